"""Views that render the case: parse, check permission, call one selector, render."""
from django.shortcuts import render

from . import selectors


def case_index(request):
    return render(request, "cases/index.html", {"years": selectors.cases_by_year()})


def case_detail(request, pk: int):
    document = selectors.case_document(case_id=pk)
    return render(request, "cases/detail.html", {"doc": document})

"""Views that render the case: parse, check permission, call one selector, render."""
from django.http import HttpResponse
from django.shortcuts import render

from . import selectors
from .exports import render_case_page


def case_index(request):
    return render(request, "cases/index.html", {"years": selectors.cases_by_year()})


def case_detail(request, pk: int):
    document = selectors.case_document(case_id=pk)
    return HttpResponse(render_case_page(document, request=request))

"""Views that render the case: parse, check permission, call one selector, render."""
from django.http import HttpResponse
from django.shortcuts import render

from . import selectors
from .exports import EXPORTERS, render_case_page


def case_index(request):
    return render(request, "cases/index.html", {"years": selectors.cases_by_year()})


def case_detail(request, pk: int):
    document = selectors.case_document(case_id=pk)
    return HttpResponse(render_case_page(document, request=request))


def case_pdf(request, pk: int):
    document = selectors.case_document(case_id=pk)
    response = HttpResponse(EXPORTERS["pdf"](document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.file_stem}.pdf"'
    return response

"""URLs of the case pages."""
from django.urls import path

from . import followup_views, report_views, views, workbook_views

app_name = "cases"

urlpatterns = [
    path("", views.case_index, name="index"),
    path("arenden/<int:pk>/", views.case_detail, name="detail"),
    path("arenden/<int:pk>/pdf/", views.case_pdf, name="pdf"),
    path("arenden/<int:pk>/pdf/revision/<int:revision>/", views.case_pdf_revision, name="pdf_revision"),
    path("arenden/<int:pk>/pdf/lage/", views.case_pdf_status, name="pdf_status"),
    path("arenden/<int:pk>/pdf/forsok-igen/", views.case_pdf_retry, name="pdf_retry"),
    path("arenden/<int:pk>/andringar/", views.case_changes, name="changes"),
    path("arenden/<int:pk>/bilagor/<int:number>/", views.case_attachment, name="attachment"),
    path("arenden/<int:pk>/status/", views.case_transition, name="transition"),
    path("arenden/<int:pk>/ny-version/", views.case_new_version, name="new_version"),
    path("arenden/<int:pk>/arbetsbok.xlsx", workbook_views.case_workbook, name="workbook"),
    path("arenden/arbetsbok/las-in/", workbook_views.workbook_import, name="workbook_import"),
    # The follow-up reports (budgetplan.web.report_views); the period is t1, t2 or helar.
    path("arenden/<int:pk>/uppfoljning/<str:period>/rapport/", report_views.report_page, name="followup_report"),
    path("arenden/<int:pk>/uppfoljning/<str:period>/rapport/pdf/", report_views.report_pdf, name="followup_report_pdf"),
    path(
        "arenden/<int:pk>/uppfoljning/<str:period>/rapport/pdf/revision/<int:revision>/",
        report_views.report_pdf_revision, name="followup_report_pdf_revision",
    ),
    path(
        "arenden/<int:pk>/uppfoljning/<str:period>/rapport/pdf/lage/",
        report_views.report_pdf_status, name="followup_report_pdf_status",
    ),
    path(
        "arenden/<int:pk>/uppfoljning/<str:period>/rapport/pdf/forsok-igen/",
        report_views.report_pdf_retry, name="followup_report_pdf_retry",
    ),
    path("uppfoljning/<int:year>/<str:period>/", report_views.city_page, name="city_followup"),
    path("uppfoljning/<int:year>/<str:period>/mal/<int:goal_id>/", report_views.city_goal, name="city_followup_goal"),
    path("arenden/<int:pk>/uppfoljning/<str:period>/", followup_views.followup_entry, name="followup_entry"),
    path(
        "arenden/<int:pk>/uppfoljning/<str:period>/status/", followup_views.followup_transition,
        name="followup_transition",
    ),
    path(
        "arenden/<int:pk>/uppfoljning/<str:period>/arbetsbok.xlsx", followup_views.followup_workbook,
        name="followup_workbook",
    ),
    path(
        "arenden/<int:pk>/uppfoljning/<str:period>/arbetsbok/las-in/",
        followup_views.followup_workbook_import, name="followup_workbook_import",
    ),
]

"""URLs of the case pages."""
from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_index, name="index"),
    path("arenden/<int:pk>/", views.case_detail, name="detail"),
    path("arenden/<int:pk>/pdf/", views.case_pdf, name="pdf"),
]

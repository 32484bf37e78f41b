"""Root URLs."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("budgetplan.web.urls")),
]

# Uploaded files are never served from a public media URL, not even while developing: an
# attachment of a draft is read through cases:attachment, which checks who may read the case.

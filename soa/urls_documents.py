"""URL patterns of the SoA PDF requests (soa/views_documents.py), included from grc_portal/urls.py."""

from django.urls import path

from . import views_documents

BASE = "o/<slug:organization_slug>/soa"

urlpatterns = [
    path(
        f"{BASE}/versions/<int:number>/pdf/",
        views_documents.SoAVersionPDFRequestView.as_view(),
        name="soa-version-pdf-request",
    ),
    path(f"{BASE}/pdf/", views_documents.SoADraftPDFRequestView.as_view(), name="soa-draft-pdf-request"),
]

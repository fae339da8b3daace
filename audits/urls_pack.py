"""URL of the audit pack page (audits/views_pack.py), included from grc_portal/urls.py."""

from django.urls import path

from . import views_pack

urlpatterns = [
    path(
        "o/<slug:organization_slug>/audits/<int:pk>/pack/",
        views_pack.AuditPackView.as_view(),
        name="audit-pack",
    ),
]

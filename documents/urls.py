from django.urls import path

from . import views

app_name = "documents"

BASE = "o/<slug:organization_slug>/documents"

urlpatterns = [
    path(f"{BASE}/", views.DocumentListView.as_view(), name="list"),
    path(f"{BASE}/request/", views.DocumentRequestView.as_view(), name="request"),
    path(f"{BASE}/<int:pk>/status/", views.DocumentStatusView.as_view(), name="status"),
    path(f"{BASE}/<int:pk>/retry/", views.DocumentRetryView.as_view(), name="retry"),
    path(f"{BASE}/<int:pk>/delete/", views.DocumentDeleteView.as_view(), name="delete"),
    path(f"{BASE}/<int:pk>/download/", views.DocumentDownloadView.as_view(), name="download"),
]

from django.urls import path

from . import views

app_name = "notifications"

BASE = "o/<slug:organization_slug>/notifications"

urlpatterns = [
    path(f"{BASE}/", views.NotificationListView.as_view(), name="list"),
    path(f"{BASE}/<int:pk>/open/", views.NotificationOpenView.as_view(), name="open"),
    path(f"{BASE}/read-all/", views.NotificationReadAllView.as_view(), name="read_all"),
]

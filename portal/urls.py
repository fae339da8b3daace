from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("o/<slug:organization_slug>/", views.OverviewView.as_view(), name="overview"),
]

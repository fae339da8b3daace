from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("o/<slug:organization_slug>/", views.OverviewView.as_view(), name="overview"),
    path("o/<slug:organization_slug>/my-work/", views.MyWorkView.as_view(), name="my_work"),
    path("o/<slug:organization_slug>/risks/my-overdue/", views.OldMyWorkRedirect.as_view()),
]

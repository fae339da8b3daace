from django.urls import path

from . import views

app_name = "controls"

urlpatterns = [
    path(
        "o/<slug:organization_slug>/catalogue/", views.CatalogueRedirectView.as_view(), name="catalogue_home"
    ),
    path(
        "o/<slug:organization_slug>/catalogue/<slug:framework_code>/",
        views.CatalogueView.as_view(),
        name="catalogue",
    ),
    path(
        "o/<slug:organization_slug>/catalogue/<slug:framework_code>/clauses/",
        views.ClausesView.as_view(),
        name="clauses",
    ),
    path(
        "o/<slug:organization_slug>/catalogue/<slug:framework_code>/controls/<str:reference>/",
        views.ControlDetailView.as_view(),
        name="control",
    ),
    path("o/<slug:organization_slug>/crosswalk/", views.CrosswalkView.as_view(), name="crosswalk"),
]

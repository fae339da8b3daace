from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("organizations/", views.OrganizationListView.as_view(), name="list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="create"),
    path("o/<slug:organization_slug>/members/", views.MembersView.as_view(), name="members"),
    path("o/<slug:organization_slug>/members/add/", views.MemberAddView.as_view(), name="member_add"),
    path(
        "o/<slug:organization_slug>/members/<int:membership_id>/",
        views.MemberDetailView.as_view(),
        name="member_detail",
    ),
    path(
        "o/<slug:organization_slug>/members/<int:membership_id>/role/",
        views.MemberRoleView.as_view(),
        name="member_role",
    ),
    path(
        "o/<slug:organization_slug>/members/<int:membership_id>/remove/",
        views.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path("o/<slug:organization_slug>/settings/", views.SettingsView.as_view(), name="settings"),
    path(
        "o/<slug:organization_slug>/saved-views/",
        views.SavedViewCreateView.as_view(),
        name="saved_view_create",
    ),
    path(
        "o/<slug:organization_slug>/saved-views/<int:pk>/delete/",
        views.SavedViewDeleteView.as_view(),
        name="saved_view_delete",
    ),
    path("o/<slug:organization_slug>/activity/", views.ActivityView.as_view(), name="activity"),
    path(
        "o/<slug:organization_slug>/activity/export.csv",
        views.ActivityExportView.as_view(),
        name="activity_export",
    ),
    path(
        "o/<slug:organization_slug>/activity/<str:kind>/<int:pk>/",
        views.RecordTrailView.as_view(),
        name="record_history",
    ),
]

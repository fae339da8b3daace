from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/tokens/", include("api_tokens.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("grc_portal.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("organizations.urls")),
    path("", include("documents.urls")),
    path("", include("portal.urls")),
    path("", include("notifications.urls")),
    path("", include("controls.urls")),
    path("", include("assets.urls")),
    path("", include("risks.urls")),
    path("", include("soa.urls")),
    path("", include("soa.urls_documents")),
    path("", include("audits.urls_pack")),
    path("", include("audits.urls")),
]

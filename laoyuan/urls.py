from django.contrib import admin
from django.urls import include, path

from laoyuan.api import api
from laoyuan.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("laoyuan.core.urls")),
    path("", include("laoyuan.registry.urls")),
    path("", include("laoyuan.voices.urls")),
    path("", include("laoyuan.decisions.urls")),
    path("", include("laoyuan.notices.urls")),
    path("", include("laoyuan.cases.urls")),
    path("", include("laoyuan.open311.urls")),
    path("", include("laoyuan.renewal.urls")),
]

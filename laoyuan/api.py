"""The JSON API under /api/v1/ (django-ninja). Each app adds its router here."""

from ninja import NinjaAPI

from laoyuan.core.api_auth import api_auth

api = NinjaAPI(
    title="Laoyuan API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    description="老院 Laoyuan: places, people and the work of old-compound governance.",
)

from laoyuan.registry.api import router as registry_router  # noqa: E402

api.add_router("/", registry_router)

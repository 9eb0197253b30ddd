"""The JSON API under /api/v1/ (django-ninja). Each app adds its router here."""

from ninja import NinjaAPI, Swagger

from laoyuan.core.api_auth import api_auth
from laoyuan.core.api_errors import install_error_handlers

api = NinjaAPI(
    title="Laoyuan API",
    version="1",
    urls_namespace="api",
    auth=api_auth,
    description="老院 Laoyuan: places, people and the work of old-compound governance.",
    # Swagger UI from ninja's own static files ("ninja" in INSTALLED_APPS), no CDN; and no
    # validator badge, which Swagger UI would otherwise fetch from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)

from laoyuan.registry.api import router as registry_router  # noqa: E402

api.add_router("/", registry_router)

from laoyuan.registry.import_api import router as import_router  # noqa: E402

api.add_router("/", import_router)
api.add_router("/", "laoyuan.voices.api.router")  # voices, topics, grouping, funnel
api.add_router("/", "laoyuan.decisions.api.router")  # meetings and their decisions
api.add_router("/", "laoyuan.voices.import_api.router")  # questionnaire and 12345 imports
api.add_router("/", "laoyuan.renewal.api.router")  # renovation projects, money, supervision

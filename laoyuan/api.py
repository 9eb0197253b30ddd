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
api.add_router("/", "laoyuan.notices.api.router")  # public notices (公示) and objections
api.add_router(
    "/", "laoyuan.decisions.votes.api.router"
)  # owners' votes and the resident's ballots
api.add_router("/", "laoyuan.decisions.plan_api.router")  # planned meetings, notices, sign-in
api.add_router("/", "laoyuan.cases.api.router")  # case work (工单)
api.add_router("/", "laoyuan.renewal.api.router")  # renovation projects, money, supervision

# The OpenAPI schema is the same for the life of the process, and building it takes about a
# second with this many operations: build it once per path prefix (the docs page waits for it).
_openapi_schemas: dict[str, object] = {}
_build_openapi_schema = api.get_openapi_schema


def _openapi_schema(*, path_prefix=None, path_params=None):
    prefix = path_prefix if path_prefix is not None else api.get_root_path(path_params or {})
    if prefix not in _openapi_schemas:
        _openapi_schemas[prefix] = _build_openapi_schema(path_prefix=prefix)
    return _openapi_schemas[prefix]


api.get_openapi_schema = _openapi_schema

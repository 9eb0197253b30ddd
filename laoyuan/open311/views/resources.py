"""The GeoReport v2 resources under /open311/v2/, each in XML and JSON by its suffix.

Plain views, not the ninja API: the spec fixes the URLs (`requests.xml`), the form-encoded POST,
the key in the form, and the error shape, none of which is the JSON API's. The views only read
the parameters and answer; writes go through `open311.actions`, reads through `open311.queries`.
Every refusal is an `Open311Error` answered as the spec's error list; nothing a client sends
can make a view fail with a server error (tests/open311 fuzz them).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from laoyuan.open311 import actions, catalogue, documents, params, queries
from laoyuan.open311.answers import (
    CONTENT_TYPES,
    DEFAULT_FORMAT,
    Open311Error,
    answer,
    error_answer,
)
from laoyuan.open311.jurisdictions import resolve
from laoyuan.open311.openapi import openapi_document

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_BAD_BODY = (
    RequestDataTooBig,
    SuspiciousOperation,
    MultiPartParserError,
    UnreadablePostError,
    UnicodeDecodeError,
    ValueError,
)

Handler = Callable[..., HttpResponse]


def _split(tail: str) -> tuple[str, str | None]:
    """ "pipe.water.json" → ("pipe.water", "json"): the format is after the last dot."""
    name, dot, fmt = tail.rpartition(".")
    return (name, fmt) if dot else (tail, None)


def _format_problem(fmt: str | None) -> Open311Error | None:
    if fmt in CONTENT_TYPES:
        return None
    if not fmt:
        return Open311Error(400, _("请在地址末尾加上格式：.xml 或 .json。"))
    return Open311Error(
        400, _("不支持的格式“{fmt}”：请在地址末尾加上 .xml 或 .json。").format(fmt=fmt[:20])
    )


def resource(*methods: str) -> Callable[[Handler], Handler]:
    """A GeoReport resource: the format checked, other methods refused (405, with the spec's
    error list), every `Open311Error` answered in the format asked for, and public reads open to
    pages of other origins (CORS). Exempt from CSRF: no resource reads a session (the one write
    is authenticated by its api_key), and a client's stray POST gets the spec's 405, not
    Django's CSRF page."""

    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        def view(request: HttpRequest, fmt: str | None = None, **kwargs) -> HttpResponse:
            shown = fmt if fmt in CONTENT_TYPES else DEFAULT_FORMAT
            problem = _format_problem(fmt)
            if request.method not in allowed:
                response = error_answer(
                    shown,
                    Open311Error(
                        405,
                        _("这个地址不接受 {method} 请求，可用：{allowed}。").format(
                            method=request.method[:10], allowed=", ".join(sorted(allowed))
                        ),
                    ),
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                if problem is not None:
                    raise problem
                response = handler(request, fmt, **kwargs)
            except Open311Error as exc:
                response = error_answer(shown, exc)
            if request.method in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = "*"
            return response

        return csrf_exempt(view)

    return wrap


def _without_nul(values: QueryDict) -> QueryDict:
    """No field we read may hold a NUL character: none is meaningful, and PostgreSQL refuses
    one in a query's text (a server error instead of the spec's 400)."""
    for name, items in values.lists():
        if "\x00" in name or any("\x00" in item for item in items):
            raise Open311Error(
                400,
                _("参数“{name}”含有空字符（NUL），请去掉后再试。").format(
                    name=name.replace("\x00", "")[:40]
                ),
            )
    return values


def _query(request: HttpRequest) -> QueryDict:
    try:
        return _without_nul(request.GET)
    except _BAD_BODY as exc:
        raise Open311Error(400, _("查询参数无法读取。")) from exc


def _endpoint(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:public_index")).rstrip("/")


@resource("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET discovery.{format}: where the endpoint is, its formats, how to get a key."""
    document = documents.discovery(
        endpoint=_endpoint(request),
        key_service=documents.key_service_text(documents.tokens_url(request)),
    )
    return answer(fmt, "discovery", document)


@resource("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET services.{format}: the service list (our active case categories)."""
    resolve(_query(request).get("jurisdiction_id"))
    return answer(fmt, "services", [catalogue.service(c) for c in catalogue.services()])


@csrf_exempt
def service_definition(request: HttpRequest, tail: str) -> HttpResponse:
    """services/{service_code}.{format}: the code is everything before the last dot."""
    code, fmt = _split(tail)
    return _service_definition(request, fmt, code=code)


@resource("GET")
def _service_definition(request: HttpRequest, fmt: str, *, code: str) -> HttpResponse:
    """GET services/{service_code}.{format}: the service's attributes."""
    resolve(_query(request).get("jurisdiction_id"))
    category = catalogue.service_or_error(code.replace("\x00", "\\0"))  # no code holds a NUL
    return answer(fmt, "service_definition", catalogue.definition(category))


@resource("GET", "POST")
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests.{format}: requests of the jurisdiction; POST: file a new one."""
    if request.method == "POST":
        return _submit(request, fmt)
    query = _query(request)
    jurisdiction = resolve(query.get("jurisdiction_id"))
    wanted = params.request_query(query, now=timezone.now())
    if not wanted.ids:
        unknown = queries.unknown_codes(wanted.service_codes)
        if unknown:
            raise Open311Error(
                400,
                _("未找到服务类型“{code}”：请用 services 查到可用的 service_code。").format(
                    code=unknown[0][: catalogue.CODE_MAX]
                ),
            )
    cases = queries.request_page(jurisdiction, wanted)
    return answer(fmt, "service_requests", documents.requests(cases))


@csrf_exempt
def service_request(request: HttpRequest, tail: str) -> HttpResponse:
    """requests/{service_request_id}.{format}."""
    request_id, fmt = _split(tail)
    return _service_request(request, fmt, request_id=request_id)


@resource("GET")
def _service_request(request: HttpRequest, fmt: str, *, request_id: str) -> HttpResponse:
    """GET requests/{service_request_id}.{format}: one request (a list of one, as the spec
    shows it)."""
    jurisdiction = resolve(_query(request).get("jurisdiction_id"))
    case = queries.request_or_error(jurisdiction, request_id.replace("\x00", "\\0"))
    return answer(fmt, "service_requests", documents.requests([case]))


def _form(request: HttpRequest) -> QueryDict:
    kind = (request.content_type or "").lower()
    if kind not in FORM_TYPES:
        raise Open311Error(
            400,
            _(
                "请以表单提交（Content-Type: application/x-www-form-urlencoded; charset=utf-8），"
                "GeoReport v2 规定的格式。"
            ),
        )
    try:
        return _without_nul(request.POST)
    except _BAD_BODY as exc:
        raise Open311Error(400, _("表单内容无法读取（编码或大小不对）。")) from exc


def _submit(request: HttpRequest, fmt: str) -> HttpResponse:
    form = _form(request)
    query = _query(request)
    token = queries.key_or_none(form.get("api_key") or query.get("api_key"))
    if token is None:
        raise Open311Error(
            403, _("api_key 缺失、无效或已撤销：请使用老院“API 令牌”页面创建的有效令牌。")
        )
    if not actions.may_submit(token.user):
        raise Open311Error(403, _("这个 api_key 所属的账号无权登记工单。"))
    jurisdiction = resolve(form.get("jurisdiction_id") or query.get("jurisdiction_id"))
    category = catalogue.service_or_error(form.get("service_code") or "")
    wanted = params.service_request(form)
    try:
        submission = actions.request_submit(
            actor=token.user,
            token=token,
            jurisdiction=jurisdiction,
            category=category,
            request=wanted,
        )
    except ValidationError as exc:
        messages = (
            [m for ms in exc.message_dict.values() for m in ms]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        raise Open311Error(400, *messages) from exc
    except PermissionDenied as exc:
        raise Open311Error(403, _("这个 api_key 所属的账号无权在该小区登记工单。")) from exc
    return answer(fmt, "service_requests", [documents.created(submission)], status=201)


@csrf_exempt
def unknown_resource(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /open311/v2/: the spec's 404, in JSON when the path asks for it."""
    fmt = "json" if rest.endswith(".json") else DEFAULT_FORMAT
    return error_answer(
        fmt,
        Open311Error(
            404,
            _(
                "没有这个资源。可用：discovery、services、services/{service_code}、requests、"
                "requests/{service_request_id}，后加 .xml 或 .json。"
            ),
        ),
    )


def openapi(request: HttpRequest) -> JsonResponse:
    """An OpenAPI 3 description of these resources (for client generators and fuzzing)."""
    response = JsonResponse(
        openapi_document(server=_endpoint(request)), json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response

"""Error answers of the JSON API, in Chinese and in one shape.

Every error is `{"detail": ...}`. For bad input (422) `detail` is a list in ninja's own shape
(`loc`, `msg`, `type`) plus `field`, the name of the offending field, and `msg` is a Chinese
sentence a person can act on; the messages of the registry's ValidationErrors (already Chinese)
are passed through unchanged. Anything the caller may not see answers 404 "未找到", exactly like
something that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# Parts of `loc` that say where a value came from rather than which field it is.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file", "payload"}


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    names = [str(p) for p in loc if not isinstance(p, int) and str(p) not in _SOURCES]
    return names[-1] if names else ""


def _chinese_message(error: dict[str, Any]) -> str:
    """A Chinese message for one pydantic error, by its type (messages are stable; texts not)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("缺少必填项")
    if kind == "extra_forbidden":
        return _("不认识的字段，请删除")
    if kind == "string_too_long":
        return _("内容过长，最多%(n)s个字符") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("内容过短，至少%(n)s个字符") % {"n": ctx.get("min_length")}
    if kind == "string_type":
        return _("应为文本")
    if kind == "string_pattern_mismatch":
        return _("格式不正确")
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return _("应为整数")
    if kind in {"bool_type", "bool_parsing"}:
        return _("应为 true 或 false")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("日期不正确，应为存在的日期，格式 YYYY-MM-DD，例如 1948-03-12")
    if kind in {"decimal_type", "decimal_parsing", "float_parsing", "float_type"}:
        return _('应为数字，例如 "65.40"')
    if kind == "finite_number":
        return _("应为有限的数字")
    if kind == "decimal_max_places":
        return _("小数最多%(n)s位") % {"n": ctx.get("decimal_places")}
    if kind in {"decimal_max_digits", "decimal_whole_digits"}:
        return _("数值过大")
    if kind == "greater_than":
        return _("应大于%(n)s") % {"n": ctx.get("gt")}
    if kind == "greater_than_equal":
        return _("应不小于%(n)s") % {"n": ctx.get("ge")}
    if kind == "less_than":
        return _("应小于%(n)s") % {"n": ctx.get("lt")}
    if kind == "less_than_equal":
        return _("应不大于%(n)s") % {"n": ctx.get("le")}
    if kind in {"enum", "literal_error"}:
        values = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("取值无效，可选值：%(values)s") % {"values": values}
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("应为 JSON 对象")
    if kind in {"list_type"}:
        return _("应为列表")
    if kind == "json_invalid":
        return _("不是有效的 JSON")
    if kind == "value_error":
        # Our own validators raise ValueError with a Chinese message; pydantic prefixes it.
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return _("输入不正确")


def _input_error(loc: list[Any], message: str, kind: str) -> dict[str, Any]:
    return {"loc": list(loc), "field": _field_of(loc), "msg": message, "type": kind}


def handle_not_found(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": _("未找到")}, status=404)


def handle_unauthenticated(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    response = api.create_response(
        request,
        {
            "detail": _(
                "未登录，或 API 令牌无效、已撤销（请在请求头中提供 Authorization: Bearer <令牌>）"
            )
        },
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="laoyuan"'
    return response


def handle_forbidden(request: HttpRequest, exc: Exception, *, api: NinjaAPI) -> HttpResponse:
    return api.create_response(request, {"detail": _("您的角色无权执行此操作")}, status=403)


_NINJA_MESSAGES = {
    "CSRF check Failed": "CSRF 校验失败：请刷新页面后重试，或改用 API 令牌",
    "Cannot parse request body": "请求体不是有效的 JSON",
}


def handle_http_error(request: HttpRequest, exc: HttpError, *, api: NinjaAPI) -> HttpResponse:
    message = str(exc)
    for english, chinese in _NINJA_MESSAGES.items():
        if message.startswith(english):
            message = _(chinese)
            break
    return api.create_response(request, {"detail": message}, status=exc.status_code)


def handle_bad_input(
    request: HttpRequest, exc: NinjaValidationError, *, api: NinjaAPI
) -> HttpResponse:
    errors = [
        _input_error(e.get("loc", ()), _chinese_message(e), e.get("type", "invalid"))
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": errors}, status=422)


def handle_rejected(
    request: HttpRequest, exc: DjangoValidationError, *, api: NinjaAPI
) -> HttpResponse:
    """A ValidationError from an action: its messages are already Chinese and name the field."""
    if hasattr(exc, "error_dict"):
        errors = [
            _input_error(["body", field], str(message), "invalid")
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [_input_error(["body"], str(message), "invalid") for message in exc.messages]
    return api.create_response(request, {"detail": errors}, status=422)


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers on the API (ninja picks the most specific class of an exception)."""

    def bind(handler):
        return lambda request, exc: handler(request, exc, api=api)

    api.add_exception_handler(Http404, bind(handle_not_found))
    api.add_exception_handler(AuthenticationError, bind(handle_unauthenticated))
    api.add_exception_handler(PermissionDenied, bind(handle_forbidden))
    api.add_exception_handler(HttpError, bind(handle_http_error))
    api.add_exception_handler(NinjaValidationError, bind(handle_bad_input))
    api.add_exception_handler(DjangoValidationError, bind(handle_rejected))

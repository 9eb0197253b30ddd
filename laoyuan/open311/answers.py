"""Answers in the two formats of GeoReport v2: XML (the required one) and JSON, chosen by the
suffix of the resource (`services.xml`, `requests/GD-20261208-7KQ3XZ.json`).

JSON follows the spec's "Spark convention" mapping of the XML: a list of services is a JSON
array where the XML has `<services><service>…`, a missing value is `null` where the XML has an
empty element, booleans are `true`/`false` in both. Errors are the spec's list of `code` and
`description` (`<errors><error>…`), with the HTTP status 400, 403 or 404, and descriptions in
Chinese like every other answer of Laoyuan (English through Accept-Language).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse

CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
DEFAULT_FORMAT = "xml"  # the format the spec requires every server to offer
# The element of each member of a list, as the spec names them.
ITEM_OF = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all (control characters but tab and newlines, lone
# surrogates, U+FFFE/U+FFFF): dropped from text, so no stored text can break a document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """A refusal in the spec's shape: the HTTP status (400, 403, 404) and one or more
    descriptions a person can act on."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(out: list[str], name: str, value: Any) -> None:
    # Written as text, not through ElementTree: a page of 1000 requests is 17,000 elements.
    if isinstance(value, Mapping):
        out.append(f"<{name}>")
        for key, inner in value.items():
            _element(out, key, inner)
        out.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        out.append(f"<{name}>")
        for inner in value:
            _element(out, ITEM_OF[name], inner)
        out.append(f"</{name}>")
    else:
        text = _text(value)
        out.append(f"<{name}>{escape(text)}</{name}>" if text else f"<{name}/>")


def to_xml(root: str, payload: Mapping | Iterable) -> bytes:
    """The document `<root>…</root>`: a mapping becomes its elements in order, a list its
    members (each named by `ITEM_OF[root]`). Element names are ours (the spec's field names and
    attribute codes are never element names), the text is escaped."""
    out = [XML_DECLARATION, f"<{root}>"]
    if isinstance(payload, Mapping):
        for key, value in payload.items():
            _element(out, key, value)
    else:
        for member in payload:
            _element(out, ITEM_OF[root], member)
    out.append(f"</{root}>")
    return "".join(out).encode("utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Coordinates only (never money or votes): a JSON number, as the schema asks.
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, default=_jsonable).encode("utf-8")


def answer(fmt: str, root: str, payload: Any, *, status: int = 200) -> HttpResponse:
    """The response of a resource in the format asked for."""
    body = to_json(payload) if fmt == "json" else to_xml(root, payload)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, "text/xml"))


def error_answer(fmt: str, error: Open311Error) -> HttpResponse:
    """`[{"code": 400, "description": "…"}]`, or `<errors><error>…` in XML."""
    fmt = fmt if fmt in CONTENT_TYPES else DEFAULT_FORMAT
    errors = [{"code": error.status, "description": d} for d in error.descriptions]
    return answer(fmt, "errors", errors, status=error.status)

"""Services (服务类型) of the Open311 endpoint: the active case categories (工单分类) of the cases
app, with their stable codes (`pipe.water`) as `service_code`, their first-level group as
`group`, the keywords of the residents' taxonomy (voices) as `keywords`, and, where a category
asks for more facts, its attribute definitions as the service definition.
"""

from __future__ import annotations

from functools import lru_cache

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from laoyuan.cases import queries as case_queries
from laoyuan.cases.models import Category
from laoyuan.open311.answers import Open311Error
from laoyuan.voices.engine import taxonomy

CODE_MAX = 32
ATTRIBUTE_KEYS = ("code", "datatype", "required", "datatype_description", "order", "description")
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def services() -> QuerySet[Category]:
    """The services offered: every active category, in the cases app's order."""
    return case_queries.categories().only(
        "code", "group", "name", "description", "attributes", "position", "updated_at"
    )


def service_or_error(code: str) -> Category:
    """The active category with this code, or the spec's 404 "service_code not found"."""
    code = (code or "").strip()
    if not code:
        raise Open311Error(400, _("缺少 service_code：请先用 services 查到服务类型的编码。"))
    found = services().filter(code=code[:CODE_MAX]).first() if len(code) <= CODE_MAX else None
    if found is None:
        raise Open311Error(
            404,
            _("未找到服务类型“{code}”：请用 services 查到可用的 service_code。").format(
                code=code[:CODE_MAX]
            ),
        )
    return found


@lru_cache(maxsize=1)
def _keywords() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for group in taxonomy.load().categories:
        for child in group.children:
            found[(group.name, child.name)] = ", ".join(child.keywords)
    return found


def service(category: Category) -> dict:
    """One member of `services`, its fields in the spec's order."""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": bool(category.attributes),
        "type": "realtime",  # the service_request_id comes back at once
        "keywords": _keywords().get((category.group, category.name)) or None,
        "group": category.group,
    }


def definition(category: Category) -> dict:
    """The service definition: its attributes, each with `variable` true (all ask for input)."""
    attributes = []
    for spec in sorted(category.attributes or [], key=lambda a: (a.get("order") or 0, a["code"])):
        attribute: dict = {"variable": True}
        for key in ATTRIBUTE_KEYS:
            value = spec.get(key)
            attribute[key] = value if value not in ("", None) else None
        attribute["required"] = bool(spec.get("required"))
        if spec.get("datatype") in ("singlevaluelist", "multivaluelist"):
            attribute["values"] = [
                {"key": str(v["key"]), "name": str(v["name"])} for v in spec.get("values", [])
            ]
        attributes.append(attribute)
    return {"service_code": category.code, "attributes": attributes}

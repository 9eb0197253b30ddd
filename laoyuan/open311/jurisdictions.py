"""Jurisdictions (辖区) of the Open311 endpoint: a district (区) or a street (街道), named by its
registry code (`510104` for 锦江区, `510104-SH` for 沙河街道).

The spec lets one endpoint serve several jurisdictions and then requires `jurisdiction_id` on
every call. A district answers for all its streets; a street for itself, which is how a street
office points its own 12345 integration at its own cases. When the installation holds a single
district, `jurisdiction_id` may be left out and means that district.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from laoyuan.open311.answers import Open311Error
from laoyuan.registry.models import District, Street

ID_MAX = 32


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    kind: str  # "district" or "street"
    name: str
    street_ids: tuple[int, ...]

    @property
    def is_district(self) -> bool:
        return self.kind == "district"


def resolve(raw: str | None) -> Jurisdiction:
    """The jurisdiction a call names (one query), or the spec's errors: 400 when it is missing
    and more than one district is served, 404 when no district or street has that code."""
    code = (raw or "").strip()
    if not code:
        return _only_district()
    if len(code) > ID_MAX:
        raise Open311Error(404, _not_found(code[:ID_MAX] + "…"))
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in code):
        # no code holds a control character (and PostgreSQL refuses NUL in a query)
        raise Open311Error(404, _not_found(code.encode("unicode_escape").decode("ascii")))
    rows = list(
        Street.objects.filter(Q(district__code=code) | Q(code=code))
        .order_by("code")
        .values_list("pk", "code", "district__code", "district__name", "name")
    )
    in_district = [r for r in rows if r[2] == code]
    if in_district:
        return Jurisdiction(code, "district", in_district[0][3], tuple(r[0] for r in in_district))
    street = next((r for r in rows if r[1] == code), None)
    if street is not None:
        return Jurisdiction(code, "street", street[4], (street[0],))
    district = District.objects.filter(code=code).first()  # a district without streets yet
    if district is not None:
        return Jurisdiction(code, "district", district.name, ())
    raise Open311Error(404, _not_found(code))


def _not_found(code: str) -> str:
    return _(
        "未找到辖区“{code}”：jurisdiction_id 应为区或街道的编码（可在 discovery 页面查到）。"
    ).format(code=code)


def _only_district() -> Jurisdiction:
    districts = list(District.objects.order_by("code").values_list("pk", "code", "name")[:2])
    if len(districts) != 1:
        raise Open311Error(
            400,
            _(
                "缺少 jurisdiction_id：本接口服务多个辖区，请填写区或街道的编码"
                "（可在 discovery 页面查到）。"
            ),
        )
    pk, code, name = districts[0]
    streets = tuple(Street.objects.filter(district_id=pk).values_list("pk", flat=True))
    return Jurisdiction(code, "district", name, streets)

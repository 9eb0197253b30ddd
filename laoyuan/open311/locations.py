"""Placing an Open311 service request on a compound (小区), the place every case belongs to.

- `address_id` is the compound's registry code (`510104-SH-01-WFY`): exact.
- `address_string` is matched against the names and addresses of the compounds (五福苑,
  马家沟1号): the longest name or address found in the text wins; two compounds tied (two
  桂花新村 in one district) is refused with their codes, so the client can send `address_id`.
- `lat`/`long` alone are refused: compounds carry no position in the registry, old compounds
  stand tens of metres apart, and coordinates from Chinese maps are GCJ-02/BD-09, shifted by
  hundreds of metres from the WGS84 the spec asks for. A nearest-point guess would put the case
  in the wrong community, which could then not even see it. Coordinates sent with an address
  are kept on the case.

Only compounds where the key's user may open cases ("cases.open") and that lie in the
jurisdiction are candidates: any other compound is answered exactly like one that does not
exist.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from laoyuan.core.models import User
from laoyuan.open311.answers import Open311Error
from laoyuan.open311.jurisdictions import Jurisdiction
from laoyuan.open311.models import LocatedBy
from laoyuan.registry.models import Building, Compound
from laoyuan.voices import places

# Shorter names match inside too many texts (a "园" is in every other address).
MATCH_MIN = 2
LOCAL_MIN = 4  # the rest of an address without its city and district (马家沟1号)
AMBIGUOUS_SHOWN = 5
_NOISE = re.compile(r"[\s,，.。、;；:：()（）\[\]【】\-—_/\\#＃·]+")
_BUILDING = re.compile(r"(\d{1,4})\s*(?:栋|幢|号楼)")
# The administrative head of an address (成都市锦江区): clients often write only the rest.
_ADMIN_HEAD = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,10}?省)?(?:[\u4e00-\u9fff]{1,10}?市)?(?:[\u4e00-\u9fff]{1,10}?[区县])?"
)


@dataclass(frozen=True)
class Placed:
    compound: Compound
    building: Building | None
    located_by: str


def _norm(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).lower()


def open_compounds(actor: User, jurisdiction: Jurisdiction):
    """Compounds of the jurisdiction on which the user may open cases."""
    return places.voice_compounds(actor, "cases.open").filter(
        community__street_id__in=jurisdiction.street_ids
    )


def place(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    address_id: str,
    address_string: str,
    has_position: bool,
    building_hint: str = "",
) -> Placed:
    """The compound (and building, when one is named) the request is about, or 400."""
    candidates = open_compounds(actor, jurisdiction)
    if address_id:
        compound = candidates.filter(code=address_id).first()
        if compound is None:
            raise Open311Error(
                400,
                _(
                    "address_id“{code}”不是本辖区内您可以登记工单的小区编码"
                    "（小区编码可在老院的 Open311 接入说明页查到）。"
                ).format(code=address_id),
            )
        located_by = LocatedBy.ADDRESS_ID
    elif address_string:
        compound = _by_text(candidates, address_string)
        located_by = LocatedBy.ADDRESS_STRING
    elif has_position:
        raise Open311Error(
            400,
            _(
                "仅凭经纬度无法确定小区：请同时提供 address_id（小区编码）"
                "或 address_string（小区名称或门牌地址）。"
            ),
        )
    else:
        raise Open311Error(
            400,
            _("缺少位置：lat 和 long、address_string、address_id 至少要提供一项。"),
        )
    return Placed(compound, _building(compound, building_hint or address_string), located_by)


def _by_text(candidates, text: str) -> Compound:
    wanted = _norm(text)
    best: dict[int, Compound] = {}
    best_length = 0
    for compound in candidates.only("pk", "code", "name", "address", "community__name"):
        address = _norm(compound.address)
        local = _ADMIN_HEAD.sub("", address)
        keys = {_norm(compound.name), address, local if len(local) >= LOCAL_MIN else ""}
        for key in keys:
            if len(key) < MATCH_MIN or key not in wanted:
                continue
            if len(key) > best_length:
                best, best_length = {compound.pk: compound}, len(key)
            elif len(key) == best_length:
                best[compound.pk] = compound
    if not best:
        raise Open311Error(
            400,
            _(
                "无法从 address_string 确定小区：请写上小区名称或门牌地址（如“五福苑”"
                "或“马家沟1号”），或改用 address_id（小区编码）。"
            ),
        )
    if len(best) > 1:
        found = sorted(best.values(), key=lambda c: c.code)
        shown = "、".join(
            f"{c.code}（{c.community.name}{c.name}）" for c in found[:AMBIGUOUS_SHOWN]
        )
        raise Open311Error(
            400,
            _("address_string 对应多个小区，请改用 address_id：{compounds}").format(
                compounds=shown
            ),
        )
    return next(iter(best.values()))


def _building(compound: Compound, hint: str) -> Building | None:
    """The building named ("3", "3栋", "五福苑3号楼"), when the compound has one so numbered."""
    hint = unicodedata.normalize("NFKC", hint or "").strip()
    match = _BUILDING.search(hint)
    number = match.group(1) if match else hint if hint.isdigit() else ""
    if not number:
        return None
    return Building.objects.filter(compound=compound, number=number.lstrip("0") or "0").first()

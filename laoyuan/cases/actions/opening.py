"""Opening a case (立案) directly: staff through the form or an API client (`case_open`, source
staff / api / open311) and a resident on the portal (`case_submit`). `_build` checks and saves a
new case with its clocks started, for these and for the cases that come from elsewhere
(`actions/intake.py`: topics, meeting decisions, 12345 work orders).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases import categories as category_data
from laoyuan.cases import clocks
from laoyuan.cases.actions.common import (
    attach_photos,
    clean_text,
    event,
    require,
    tell_staff,
)
from laoyuan.cases.models import (
    TEXT_MAX,
    TITLE_MAX,
    Case,
    CaseSource,
    CaseState,
    Category,
    EventKind,
    Party,
)
from laoyuan.cases.queries import serves
from laoyuan.core import pii
from laoyuan.core.audit import audit_log
from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Building, Compound, Resident
from laoyuan.voices import places
from laoyuan.voices.engine.text import VoiceTextError, check, redact
from laoyuan.voices.models import Topic, Voice

_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud on the phone
DIRECT_SOURCES = (CaseSource.STAFF, CaseSource.API, CaseSource.OPEN311)
SPOT_MAX = 100
ADDRESS_MAX = 200
NAME_MAX = 60
ATTRIBUTE_VALUE_MAX = 200


def new_request_id(at: dt.datetime) -> str:
    """GD-20261208-7KQ3XZ: the day it was opened and six unguessable characters."""
    day = timezone.localtime(at).strftime("%Y%m%d")
    while True:
        rid = f"GD-{day}-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))
        if not Case.objects.filter(request_id=rid).exists():
            return rid


def title_of(text: str) -> str:
    clean = redact(text)
    first = clean.split("\n", 1)[0]
    return first if len(first) <= 40 else first[:39] + "…"


def match_category(group: str, name: str) -> Category:
    """The case category of a voice's or topic's category (same two-level names); the first
    of its group when the second level is not known; "其他" when neither is."""
    found = list(
        Category.objects.filter(group=group, is_active=True).order_by("position", "code")
        if group
        else []
    )
    for c in found:
        if c.name == name:
            return c
    if found:
        return found[0]
    return Category.objects.get(code=category_data.FALLBACK_CODE)


def _check_attributes(category: Category, values: dict | None) -> dict:
    """Answers to the category's attribute definitions (Open311 attributes)."""
    values = dict(values or {})
    defs = {a["code"]: a for a in category.attributes or []}
    problems = []
    for key in values:
        if key not in defs:
            problems.append(_("“{name}”不是这一分类的附加信息。").format(name=str(key)[:40]))
    clean: dict[str, object] = {}
    for code, spec in defs.items():
        raw = values.get(code)
        empty = raw is None or raw == "" or raw == []
        if empty:
            if spec.get("required"):
                problems.append(_("请填写“{name}”。").format(name=spec.get("description", code)))
            continue
        keys = {v["key"] for v in spec.get("values", [])}
        kind = spec.get("datatype", "string")
        if kind == "singlevaluelist":
            if str(raw) not in keys:
                problems.append(
                    _("“{name}”的取值不对。").format(name=spec.get("description", code))
                )
            clean[code] = str(raw)
        elif kind == "multivaluelist":
            items = raw if isinstance(raw, list) else [raw]
            if not all(str(i) in keys for i in items):
                problems.append(
                    _("“{name}”的取值不对。").format(name=spec.get("description", code))
                )
            clean[code] = [str(i) for i in items]
        elif kind == "number":
            try:
                clean[code] = str(Decimal(str(raw)))
            except InvalidOperation:
                problems.append(_("“{name}”应为数字。").format(name=spec.get("description", code)))
        else:
            text = redact(str(raw)).strip()
            if len(text) > ATTRIBUTE_VALUE_MAX:
                problems.append(_("“{name}”太长。").format(name=spec.get("description", code)))
            clean[code] = text
    if problems:
        raise ValidationError({"attributes": problems})
    return clean


def _check_position(lat, lon) -> tuple[Decimal | None, Decimal | None]:
    if lat is None and lon is None:
        return None, None
    if lat is None or lon is None:
        raise ValidationError({"lat": _("经纬度要同时填写。")})
    try:
        lat, lon = Decimal(str(lat)), Decimal(str(lon))
    except InvalidOperation as exc:
        raise ValidationError({"lat": _("经纬度应为数字。")}) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError({"lat": _("经纬度超出范围。")})
    return lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))


def _build(
    *,
    actor: User | None,
    compound: Compound,
    category: Category | None,
    description: str,
    title: str = "",
    solution_asked: str = "",
    building: Building | None = None,
    spot: str = "",
    address: str = "",
    lat=None,
    lon=None,
    attributes: dict | None = None,
    source: str,
    external_ref: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    reporter_account: User | None = None,
    reporter_resident: Resident | None = None,
    deadline: dt.date | None = None,
    allow_past_deadline: bool = False,
    voice: Voice | None = None,
    topic: Topic | None = None,
    decision=None,
    at: dt.datetime,
) -> Case:
    """Check everything and save a new case in the state "待派单" with its clocks started.
    Every problem is reported at once, keyed by field."""
    problems: dict[str, list[str]] = {}

    def problem(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    try:
        text = check(description, max_chars=TEXT_MAX)
    except VoiceTextError as exc:
        problem("description", str(exc))
        text = ""
    if category is None or not category.is_active:
        problem("category", _("请选择分类。"))
    if building is not None and building.compound_id != compound.pk:
        problem("building", _("所选楼栋不在这个小区。"))
    spot, address = (spot or "").strip(), (address or "").strip()
    if len(spot) > SPOT_MAX:
        problem("spot", _("具体位置最多{n}个字。").format(n=SPOT_MAX))
    if len(address) > ADDRESS_MAX:
        problem("address", _("地址最多{n}个字。").format(n=ADDRESS_MAX))
    name = "" if anonymous else (reporter_name or "").strip()
    if len(name) > NAME_MAX:
        problem("reporter_name", _("反映人最多{n}个字。").format(n=NAME_MAX))
    phone = ""
    if reporter_phone and not anonymous:
        try:
            phone = pii.check_phone(reporter_phone)
        except pii.InvalidPhone as exc:
            problem("reporter_phone", str(exc))
    try:
        solution = clean_text(solution_asked, "solution_asked", required=False, max_chars=TEXT_MAX)
    except ValidationError as exc:
        problem("solution_asked", exc.message_dict["solution_asked"][0])
        solution = ""
    title = (title or "").strip()
    if len(title) > TITLE_MAX:
        problem("title", _("标题最多{n}个字。").format(n=TITLE_MAX))
    if deadline is not None and not allow_past_deadline and deadline < timezone.localdate(at):
        problem("deadline", _("办结期限不能早于今天。"))
    try:
        lat, lon = _check_position(lat, lon)
    except ValidationError as exc:
        problem("lat", exc.message_dict["lat"][0])
    clean_attributes: dict = {}
    if category is not None:
        try:
            clean_attributes = _check_attributes(category, attributes)
        except ValidationError as exc:
            for message in exc.message_dict["attributes"]:
                problem("attributes", message)
    if problems:
        raise ValidationError(problems)
    levels = category_data.levels_for(category, compound.community.street_id)
    redacted = redact(text)
    case = Case(
        request_id=new_request_id(at),
        public_token=secrets.token_urlsafe(18),
        title=redact(title) or title_of(text),
        description=redacted,
        description_sealed="" if redacted == text else pii.encrypt(text),
        solution_asked=solution,
        category=category,
        attributes=clean_attributes,
        compound=compound,
        community_id=compound.community_id,
        street_id=compound.community.street_id,
        building=building,
        spot=redact(spot),
        address=redact(address),
        lat=lat,
        lon=lon,
        source=source,
        external_ref=external_ref,
        voice=voice,
        topic=topic,
        decision=decision,
        anonymous=anonymous,
        reporter_name=redact(name),
        reporter_account=reporter_account,
        reporter_resident=None if anonymous else reporter_resident,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        state=CaseState.DISPATCH,
        accept_seconds=levels.accept,
        respond_seconds=levels.respond,
        solve_seconds=levels.solve,
    )
    if phone:
        sealed = pii.seal_phone(phone)
        case.reporter_phone_cipher = sealed.ciphertext
        case.reporter_phone_index = sealed.index
        case.reporter_phone_masked = sealed.masked
    clocks.start(case, at, fixed_deadline=deadline)
    clocks.plan(case, at)
    case.save()
    return case


def _opened(
    case: Case,
    *,
    actor: User | None,
    at: dt.datetime,
    party: Party | None = None,
    photos: Sequence[UploadedFile] = (),
    note: str = "",
) -> Case:
    """The timeline and audit rows of a new case, its photos, and its dispatch when a party
    is known already."""
    opened = event(
        case,
        actor=actor,
        kind=EventKind.OPENED,
        at=at,
        to_state=CaseState.DISPATCH,
        note=note,
        data={"source": case.source},
    )
    attach_photos(case, opened, photos, actor)
    audit_log(
        actor=actor,
        action="case.open",
        obj=case,
        changes={
            "source": case.source,
            "compound": case.compound_id,
            "category": case.category.code,
            "solve_due_at": case.solve_due_at,
        },
    )
    if party is not None:
        from laoyuan.cases.actions.work import dispatch_locked

        dispatch_locked(case, actor=actor, party=party, at=at, note="")
    else:
        from laoyuan.cases.actions.common import dispatchers

        tell_staff(
            dispatchers(case),
            case,
            _("新工单待派单：{title}").format(title=case.title),
            _("{compound}，{category}。").format(
                compound=case.compound.name, category=case.category
            ),
        )
    return case


def _check_party(party: Party | None, compound: Compound) -> None:
    if party is not None and (not party.is_active or not serves(party, compound)):
        raise ValidationError({"party": _("所选责任方不负责这个小区，请重新选择。")})


@transaction.atomic
def case_open(
    *,
    actor: User,
    compound: Compound,
    category: Category | None,
    description: str,
    title: str = "",
    solution_asked: str = "",
    building: Building | None = None,
    spot: str = "",
    address: str = "",
    lat=None,
    lon=None,
    attributes: dict | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    party: Party | None = None,
    deadline: dt.date | None = None,
    photos: Sequence[UploadedFile] = (),
    source: str = CaseSource.STAFF,
    external_ref: str = "",
) -> Case:
    """Open a case directly: a worker through the form, an API client (source "api"), the
    Open311 endpoint (source "open311"). Needs "cases.open" on the compound; naming the party
    at once (dispatching) needs "cases.dispatch" there too. `deadline` overrides the solve
    time of the service level (by the end of that day)."""
    if not places.may_on_compound(actor, "cases.open", compound):
        raise PermissionDenied("cases.open")
    if source not in DIRECT_SOURCES:
        raise ValidationError({"source": _("来源不对：{value}").format(value=source)})
    if party is not None:
        require(actor, "cases.dispatch", compound)
    _check_party(party, compound)
    if len(external_ref) > 64:
        raise ValidationError({"external_ref": _("外部编号最多64个字符。")})
    if (
        external_ref
        and Case.objects.filter(
            compound=compound, source=source, external_ref=external_ref
        ).exists()
    ):
        raise ValidationError({"external_ref": _("这个外部编号的工单已经登记过了。")})
    at = clocks.now()
    case = _build(
        actor=actor,
        compound=compound,
        category=category,
        description=description,
        title=title,
        solution_asked=solution_asked,
        building=building,
        spot=spot,
        address=address,
        lat=lat,
        lon=lon,
        attributes=attributes,
        source=source,
        external_ref=external_ref,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        anonymous=anonymous,
        deadline=deadline,
        at=at,
    )
    return _opened(case, actor=actor, at=at, party=party, photos=photos)


@transaction.atomic
def case_submit(
    *,
    actor: User,
    compound: Compound,
    category: Category | None,
    description: str,
    building: Building | None = None,
    spot: str = "",
    phone: str = "",
    anonymous: bool = False,
    photos: Sequence[UploadedFile] = (),
) -> Case:
    """A resident reports a problem of her own compound on the portal (我要报修/反映). She
    follows it under "我的工单" and rates it when it is solved; anonymous hides her from staff
    and the party, not from herself."""
    if not has_permission(actor, "portal.case"):
        raise PermissionDenied("portal.case")
    own = list(
        actor.assignments.filter(role="resident", household__compound=compound).select_related(
            "resident"
        )
    )
    if not own:
        raise PermissionDenied("portal.case")
    resident = next((a.resident for a in own if a.resident_id), None)
    at = clocks.now()
    case = _build(
        actor=actor,
        compound=compound,
        category=category,
        description=description,
        building=building,
        spot=spot,
        source=CaseSource.PORTAL,
        reporter_name=resident.name if resident else str(actor),
        reporter_phone=phone,
        anonymous=anonymous,
        reporter_account=actor,
        reporter_resident=resident,
        at=at,
    )
    return _opened(case, actor=actor, at=at, photos=photos)

"""The one write of Open311: a service request posted with an API key becomes a case (工单).

`request_submit` places the request on a compound, opens the case through the cases app's own
action (`cases.actions.case_open`, source "open311", so its permission check, clocks, timeline,
notifications and audit row are the cases app's), keeps what only Open311 knows as a
`Submission`, and writes its own audit row, all in one transaction: a refusal anywhere leaves
nothing behind.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases import actions as case_actions
from laoyuan.cases.models import CaseSource, Category
from laoyuan.core.api_auth import LAST_USED_PRECISION_SECONDS
from laoyuan.core.audit import audit_log
from laoyuan.core.models import ApiToken, User
from laoyuan.core.scopes import has_permission
from laoyuan.open311 import locations
from laoyuan.open311.answers import Open311Error
from laoyuan.open311.jurisdictions import Jurisdiction
from laoyuan.open311.models import Submission
from laoyuan.open311.params import ServiceRequest, parse_moment


def may_submit(user: User) -> bool:
    """Whether a key of this user may post service requests: she opens cases somewhere."""
    return user.is_active and has_permission(user, "cases.open")


@transaction.atomic
def request_submit(
    *,
    actor: User,
    token: ApiToken,
    jurisdiction: Jurisdiction,
    category: Category,
    request: ServiceRequest,
) -> Submission:
    """Open the case of an Open311 service request (POST requests) as the key's user `actor`.

    Needs "cases.open" on the compound the location names (only such compounds of the
    jurisdiction are candidates). The description is optional in GeoReport v2; a request
    without one is described by its service's name. The phone goes to the case the cases app's
    way (sealed, blind-indexed, masked); the e-mail is not stored. Raises `Open311Error` for a
    location that cannot be placed and `ValidationError` (Chinese, by field) for what the
    cases app refuses."""
    if not may_submit(actor):
        raise PermissionDenied("cases.open")
    answers = _answers(category, request.attributes)
    building_hint = next(iter(request.attributes.get("building", [])), "")
    placed = locations.place(
        actor=actor,
        jurisdiction=jurisdiction,
        address_id=request.address_id,
        address_string=request.address_string,
        has_position=request.lat is not None,
        building_hint=building_hint,
    )
    case = case_actions.case_open(
        actor=actor,
        compound=placed.compound,
        category=category,
        description=request.description or category.name,
        building=placed.building,
        address=request.address_string,
        lat=request.lat,
        lon=request.long,
        attributes=answers,
        reporter_name=request.reporter_name,
        reporter_phone=request.phone,
        source=CaseSource.OPEN311,
    )
    submission = Submission.objects.create(
        case=case,
        token=token,
        submitted_by=actor,
        jurisdiction=jurisdiction.id,
        located_by=placed.located_by,
        account_id=request.account_id,
        device_id=request.device_id,
        media_url=request.media_url,
    )
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit_log(
        actor=actor,
        action="open311.request.submit",
        obj=submission,
        changes={
            "case": case.request_id,
            "token": token.prefix,
            "jurisdiction": jurisdiction.id,
            "service_code": category.code,
            "compound": placed.compound.code,
            "located_by": placed.located_by,
            "email_given": request.email_given,
        },
    )
    return submission


def _answers(category: Category, given: dict[str, list[str]]) -> dict:
    """The posted attribute values in the shape the cases app checks (a list for a
    multivaluelist, one value otherwise), or 400 for what only the wire format can get wrong:
    an attribute the service does not define, several values for a single-value one, a number
    that is not a finite number, a datetime that is not W3C. The cases app then checks the
    required ones, the list keys and the lengths."""
    kinds = {a["code"]: a.get("datatype", "string") for a in category.attributes or []}
    answers: dict[str, object] = {}
    problems: list[str] = []
    for code, values in given.items():
        kind = kinds.get(code)
        if kind is None:
            problems.append(
                _(
                    "attribute[{code}] 不是服务类型“{service}”的附加信息（见 services/{service}）。"
                ).format(code=code, service=category.code)
            )
            continue
        if kind == "multivaluelist":
            answers[code] = values
            continue
        if len(values) > 1:
            problems.append(_("attribute[{code}] 只能有一个取值。").format(code=code))
            continue
        value = values[0]
        if kind == "number":
            try:
                if not Decimal(value).is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(_("attribute[{code}] 应为数字。").format(code=code))
                continue
        elif kind == "datetime":
            try:
                value = parse_moment(value, name=f"attribute[{code}]").isoformat()
            except Open311Error as exc:
                problems.extend(exc.descriptions)
                continue
        answers[code] = value
    if problems:
        raise Open311Error(400, *problems)
    return answers

"""What the Open311 resources say: the discovery document, a service request as the public may
see it, and the answer to a posted request. Fields come in the spec's order, because the XML is
written in that order.

How a case (工单) reads as a GeoReport v2 request:

- `status`: "open" while the case is being worked on (待派单, 待受理, 办理中, 暂停计时, 已办结待评价,
  不满意待复核: a solved case may still be reopened by its reporter), "closed" once closed
  (已结案) or cancelled (已撤销, e.g. a duplicate); `status_notes` names our state and the latest
  redacted progress note.
- `agency_responsible`: the responsible party (责任方, an organisation) once dispatched.
- `expected_datetime`: the solve deadline (办结期限) on the Chinese working-day calendar.
- `requested_datetime`: when it was opened; `updated_datetime`: its last change, or when it was
  closed.
- `address`: the compound, its address, the street and the district; `address_id`: the
  compound's code; `lat`/`long`: the position the client sent, rounded to about 100 m.
- `description`: only for requests that came in through Open311 (whoever sent them knew the
  answer is public), redacted (no phone, ID number, e-mail, link or markup) and with the
  reporter's name struck out. A resident's words on the portal or a worker's notes of a visit
  are not published; the category and the place say what the problem is.
- `media_url`: always empty. Our photos are sealed at rest and may show people and their homes;
  a link a client sent is its own, and it has it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases.categories import describe
from laoyuan.cases.models import CaseSource, CaseState, Category
from laoyuan.open311.answers import CONTENT_TYPES
from laoyuan.voices.engine.text import redact

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
POSITION_STEP = Decimal("0.001")  # about 100 m: a street corner, not a doorway


def w3c(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with the time zone, in China's time: 2026-12-08T10:00:00+08:00."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def changeset() -> str:
    """When the services or their definitions last changed: clients refresh their cached
    lists when it moves (the discovery spec's `changeset`)."""
    last = Category.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "2026-01-01 00:00"


def discovery(*, endpoint: str, key_service: str) -> dict:
    """The service discovery document (discovery.json / discovery.xml)."""
    stamp = changeset()
    return {
        "changeset": stamp,
        "contact": settings.LAOYUAN_OPEN311_CONTACT,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint,
                "changeset": stamp,
                "type": settings.LAOYUAN_OPEN311_ENDPOINT_TYPE,
                "formats": [
                    CONTENT_TYPES["xml"].split(";")[0],
                    CONTENT_TYPES["json"].split(";")[0],
                ],
            }
        ],
    }


def key_service_text(tokens_url: str) -> str:
    return _(
        "API 密钥（api_key）由街道、社区的工作人员登录老院后在“API 令牌”页面创建：{url}。"
        "密钥以创建者本人的身份和权限登记工单，只能登记在其有权登记工单的小区。"
    ).format(url=tokens_url)


def service_notice(accept_seconds: int, solve_seconds: int) -> str:
    return _("按本街道办理时限，{accept}内受理，{solve}内办结（节假日不计）。").format(
        accept=describe(accept_seconds), solve=describe(solve_seconds)
    )


# Plain strings: rows come from .values(), and a page compares them a thousand times.
CLOSED_STATES = frozenset({CaseState.CLOSED.value, CaseState.CANCELLED.value})
CANCELLED = CaseState.CANCELLED.value
OPEN311 = CaseSource.OPEN311.value


def _closed(state: str) -> bool:
    return state in CLOSED_STATES


def _label(state: str) -> str:
    return str(CaseState(state).label) if state in CaseState.values else state


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(POSITION_STEP, rounding=ROUND_HALF_UP)


class Writer:
    """Writes cases (rows of `queries.REQUEST_VALUES`) as GeoReport v2 service requests,
    remembering what many rows share (the wording of a service level, a compound's address,
    a state's name), so a page of 1000 requests costs no more than it must."""

    def __init__(self) -> None:
        self._notices: dict[tuple[int, int], str] = {}
        self._addresses: dict[str, str] = {}
        self._labels: dict[str, str] = {}

    def _notice(self, row: dict) -> str:
        key = (row["accept_seconds"], row["solve_seconds"])
        if key not in self._notices:
            self._notices[key] = service_notice(*key)
        return self._notices[key]

    def _address(self, row: dict) -> str:
        code = row["compound__code"]
        if code not in self._addresses:
            parts = (
                row["compound__name"],
                row["compound__address"],
                row["street__name"],
                row["street__district__name"],
            )
            self._addresses[code] = "，".join(p for p in parts if p)
        return self._addresses[code]

    def _status_notes(self, row: dict) -> str:
        state = row["state"]
        if state not in self._labels:
            self._labels[state] = _label(state)
        if state == CANCELLED or not row["status_note"]:
            return self._labels[state]
        return f"{self._labels[state]}：{redact(row['status_note'])}"

    @staticmethod
    def _description(row: dict) -> str | None:
        if row["source"] != OPEN311:
            return None
        text = redact(row["description"])
        name = (row["reporter_name"] or "").strip()
        if len(name) >= 2:
            text = text.replace(name, "某某")
        return text

    def request(self, row: dict) -> dict:
        """One case as a service request (GET requests, GET requests/{id})."""
        closed = _closed(row["state"])
        updated = (row["closed_at"] or row["state_changed_at"]) if closed else row["updated_at"]
        return {
            "service_request_id": row["request_id"],
            "status": "closed" if closed else "open",
            "status_notes": self._status_notes(row),
            "service_name": row["category__name"],
            "service_code": row["category__code"],
            "description": self._description(row),
            "agency_responsible": row["party__name"],
            "service_notice": self._notice(row),
            "requested_datetime": w3c(row["opened_at"]),
            "updated_datetime": w3c(updated),
            "expected_datetime": w3c(row["solve_due_at"]),
            "address": self._address(row),
            "address_id": row["compound__code"],
            "zipcode": None,
            "lat": _rounded(row["lat"]),
            "long": _rounded(row["lon"]),
            "media_url": None,
        }


def requests(rows) -> list[dict]:
    writer = Writer()
    return [writer.request(row) for row in rows]


def created(submission) -> dict:
    """The answer to POST requests: the id at once (the services are "realtime")."""
    case = submission.case
    return {
        "service_request_id": case.request_id,
        "service_notice": service_notice(case.accept_seconds, case.solve_seconds)
        + _("办结期限：{due}。").format(
            due=timezone.localtime(case.solve_due_at).strftime("%Y-%m-%d %H:%M")
        ),
        "account_id": submission.account_id or None,
    }


def tokens_url(request) -> str:
    return request.build_absolute_uri(reverse("core:tokens"))

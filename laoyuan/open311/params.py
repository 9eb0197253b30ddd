"""Reading the parameters of Open311 calls: the query of `GET requests` and the form of
`POST requests`, into typed values or Chinese descriptions of what is wrong.

Parameters the spec does not know are ignored (its "optional arguments" rule: an empty parameter
is the same as a missing one), but every parameter it knows is checked: a bad date, an unknown
status, an over-long description or a malformed `attribute[…]` key is refused with 400 and
nothing is stored. Dates follow the W3C profile of ISO 8601 the spec names
(`2026-12-01T00:00:00+08:00`, `…Z`, or a bare date); a time needs its time zone.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.cases.models import TEXT_MAX
from laoyuan.core import pii
from laoyuan.open311.answers import Open311Error
from laoyuan.open311.models import CLIENT_ID_MAX, MEDIA_URL_MAX

# "Default query limit is a span of 90 days or first 1000 requests returned, whichever is
# smallest" (GeoReport v2, GET Service Requests); a start and an end "may not span more than
# 90 days".
WINDOW = dt.timedelta(days=90)
PAGE_SIZE_MAX = 1000
PAGE_MAX = 100_000
IDS_MAX = PAGE_SIZE_MAX
CODES_MAX = 100
STATUSES = ("open", "closed")
REQUEST_ID_MAX = 32
ADDRESS_MAX = 200  # the case's address (cases.actions.opening.ADDRESS_MAX)
ADDRESS_ID_MAX = 32
NAME_MAX = 60  # the reporter's name on the case
PHONE_RAW_MAX = 32
EMAIL_MAX = 254
COORDINATE_MAX = 32
ATTRIBUTE_VALUES_MAX = 50
ATTRIBUTE_TEXT_MAX = 1000

_W3C = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,9}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2}))?$"
)
# A "+" left unencoded in a query string arrives as a space: "…T00:00:00 08:00".
_PLUS_AS_SPACE = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) (\d{2}:\d{2})$")
_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\[\]]{1,64})\](?P<many>\[\])?$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CJK = re.compile("[\u3400-\u9fff]")


def _has_control(text: str) -> bool:
    return bool(_CONTROL.search(text))


def parse_moment(raw: str, *, name: str, end: bool = False) -> dt.datetime:
    """A W3C date-time with its time zone, or a bare date: the start of that day in China's
    time (the end of it for an `end_date`)."""
    text = raw.strip()
    text = _PLUS_AS_SPACE.sub(r"\1+\2", text)
    match = _W3C.match(text)
    problem = _(
        "{name} 的格式不对：应为 W3C 日期时间，如 2026-12-01T00:00:00+08:00 或 2026-12-01T00:00:00Z。"
    ).format(name=name)
    if match is None:
        raise Open311Error(400, problem)
    try:
        day = dt.date.fromisoformat(match["date"])
        if match["h"] is None:
            start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
            return start + dt.timedelta(days=1, microseconds=-1) if end else start
        hours, minutes = (
            (int(p) for p in match["tz"][1:].split(":")) if match["tz"] != "Z" else (0, 0)
        )
        if hours > 14 or minutes > 59:
            raise ValueError("offset")
        sign = -1 if match["tz"].startswith("-") else 1
        zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
        fraction = (match["f"] or "0")[:6].ljust(6, "0")
        moment = dt.datetime(
            day.year,
            day.month,
            day.day,
            int(match["h"]),
            int(match["m"]),
            int(match["s"] or 0),
            int(fraction),
            tzinfo=zone,
        )
        return moment.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise Open311Error(
            400, _("{name} 不是存在的日期时间：{value}").format(name=name, value=text[:40])
        ) from exc


def _listed(query: QueryDict, name: str) -> list[str]:
    """A parameter given comma-separated, repeated, or both."""
    values = []
    for raw in query.getlist(name):
        values.extend(part.strip() for part in str(raw).split(","))
    return [v for v in values if v]


def _whole(query: QueryDict, name: str, default: int, *, low: int, high: int) -> int:
    raw = (query.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or not low <= int(raw) <= high:
        raise Open311Error(
            400, _("{name} 应为 {low} 到 {high} 之间的整数。").format(name=name, low=low, high=high)
        )
    return int(raw)


@dataclass(frozen=True)
class RequestQuery:
    """What `GET requests` asks for. `ids` overrides every other filter (the spec's rule)."""

    ids: tuple[str, ...]
    service_codes: tuple[str, ...]
    start: dt.datetime
    end: dt.datetime
    statuses: tuple[str, ...]
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def request_query(query: QueryDict, *, now: dt.datetime) -> RequestQuery:
    """The filters of `GET requests`: a list of request ids, service codes and statuses, a
    window of at most 90 days (by default the last 90), and the page (the `page` and
    `page_size` extension; at most 1000 requests a page, the spec's default limit)."""
    ids = _listed(query, "service_request_id")
    if len(ids) > IDS_MAX:
        raise Open311Error(400, _("service_request_id 一次最多{n}个。").format(n=IDS_MAX))
    if any(len(i) > REQUEST_ID_MAX for i in ids):
        raise Open311Error(400, _("service_request_id 太长：受理编号最多32个字符。"))
    codes = _listed(query, "service_code")
    if len(codes) > CODES_MAX:
        raise Open311Error(400, _("service_code 一次最多{n}个。").format(n=CODES_MAX))
    statuses = [s.lower() for s in _listed(query, "status")]
    wrong = [s for s in statuses if s not in STATUSES]
    if wrong:
        raise Open311Error(
            400, _("status 只能是 open 或 closed，不认识：{value}").format(value=wrong[0][:20])
        )
    raw_start = (query.get("start_date") or "").strip()
    raw_end = (query.get("end_date") or "").strip()
    start = parse_moment(raw_start, name="start_date") if raw_start else None
    end = parse_moment(raw_end, name="end_date", end=True) if raw_end else None
    if start is None and end is None:
        start, end = now - WINDOW, now
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, _("end_date 早于 start_date。"))
    if end - start > WINDOW + dt.timedelta(days=1):
        # A bare end date reaches to the end of its day: 90 days from a bare start date to a
        # bare end date are allowed whole.
        raise Open311Error(400, _("start_date 到 end_date 不能超过90天。"))
    return RequestQuery(
        ids=tuple(dict.fromkeys(i.upper() for i in ids)),
        service_codes=tuple(dict.fromkeys(codes)),
        start=start,
        end=end,
        statuses=tuple(dict.fromkeys(statuses)),
        page=_whole(query, "page", 1, low=1, high=PAGE_MAX),
        page_size=_whole(query, "page_size", PAGE_SIZE_MAX, low=1, high=PAGE_SIZE_MAX),
    )


# --- POST requests ------------------------------------------------------------------------------


@dataclass
class ServiceRequest:
    """A service request as posted, checked field by field (the service code is looked up by
    the view, the location and the attributes' meaning by the action)."""

    service_code: str
    lat: Decimal | None = None
    long: Decimal | None = None
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    reporter_name: str = ""
    phone: str = ""
    email_given: bool = False
    device_id: str = ""
    account_id: str = ""
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)


def _text(
    form: QueryDict, name: str, limit: int, problems: list[str], *, lines: bool = False
) -> str:
    """A text field, stripped; "" and a problem when it is too long or holds control
    characters (line breaks only where the spec allows them: the description)."""
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        problems.append(
            _("{name} 太长：共{n}个字，最多{limit}个字。").format(
                name=name, n=len(value), limit=limit
            )
        )
        return ""
    if _has_control(value) or (not lines and ("\n" in value or "\r" in value)):
        problems.append(_("{name} 不能包含控制字符。").format(name=name))
        return ""
    return value


def _coordinate(form: QueryDict, name: str, bound: int, problems: list[str]) -> Decimal | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) > COORDINATE_MAX:
            raise InvalidOperation
        value = Decimal(raw)
    except InvalidOperation:
        problems.append(_("{name} 应为数字（WGS84 经纬度，如 30.657）。").format(name=name))
        return None
    if not value.is_finite() or not -bound <= value <= bound:
        problems.append(_("{name} 超出范围（-{b} 到 {b}）。").format(name=name, b=bound))
        return None
    return value


def _reporter_name(first: str, last: str) -> str:
    # Chinese names are written family name first (王 + 芳 → 王芳); others first name first.
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def service_request(form: QueryDict) -> ServiceRequest:
    """The posted fields, or 400 listing every problem at once."""
    problems: list[str] = []
    found = ServiceRequest(service_code=(form.get("service_code") or "").strip())
    found.lat = _coordinate(form, "lat", 90, problems)
    found.long = _coordinate(form, "long", 180, problems)
    if bool((form.get("lat") or "").strip()) != bool((form.get("long") or "").strip()):
        problems.append(_("lat 和 long 要同时填写。"))
    found.address_string = _text(form, "address_string", ADDRESS_MAX, problems)
    found.address_id = _text(form, "address_id", ADDRESS_ID_MAX, problems)
    found.description = _text(form, "description", TEXT_MAX, problems, lines=True)
    first = _text(form, "first_name", NAME_MAX, problems)
    last = _text(form, "last_name", NAME_MAX, problems)
    found.reporter_name = _reporter_name(first, last)
    if len(found.reporter_name) > NAME_MAX:
        problems.append(_("姓名太长：first_name 和 last_name 合计最多{n}个字。").format(n=NAME_MAX))
    found.phone = _text(form, "phone", PHONE_RAW_MAX, problems)
    if found.phone:
        try:
            pii.check_phone(found.phone)
        except pii.InvalidPhone as exc:
            problems.append(_("phone：{problem}").format(problem=exc))
    email = _text(form, "email", EMAIL_MAX, problems)
    if email:
        try:
            EmailValidator()(email)
            found.email_given = True
        except ValidationError:
            problems.append(_("email 不是有效的电子邮件地址。"))
    found.device_id = _text(form, "device_id", CLIENT_ID_MAX, problems)
    found.account_id = _text(form, "account_id", CLIENT_ID_MAX, problems)
    found.media_url = _text(form, "media_url", MEDIA_URL_MAX, problems)
    if found.media_url:
        try:
            URLValidator(schemes=["http", "https"])(found.media_url)
        except ValidationError:
            problems.append(_("media_url 应为 http 或 https 开头的完整网址。"))
    found.attributes = _attributes(form, problems)
    if problems:
        raise Open311Error(400, *problems)
    return found


def _attributes(form: QueryDict, problems: list[str]) -> dict[str, list[str]]:
    """`attribute[code]=value`, and `attribute[code][]=v1&attribute[code][]=v2` for a
    multivaluelist: {code: [values]} (empty values dropped)."""
    found: dict[str, list[str]] = {}
    for key in form:
        if not key.startswith("attribute"):
            continue
        match = _ATTRIBUTE.match(key)
        if match is None:
            problems.append(
                _("参数名“{key}”不对：附加信息应写成 attribute[编码]=值。").format(key=key[:40])
            )
            continue
        values = [v.strip() for v in form.getlist(key) if v.strip()]
        if len(values) > ATTRIBUTE_VALUES_MAX:
            problems.append(_("attribute[{code}] 的取值太多。").format(code=match["code"]))
            continue
        for value in values:
            if len(value) > ATTRIBUTE_TEXT_MAX or _has_control(value):
                problems.append(
                    _("attribute[{code}] 的取值太长或含有控制字符。").format(code=match["code"])
                )
                break
        else:
            if values:
                found.setdefault(match["code"], []).extend(values)
    return found

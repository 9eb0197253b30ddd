"""The Open311 part of the demo: the street official's API key for a pretend 12345 platform, and
a few service requests it posted to 五福苑 over the last days, through the real action (one
cancelled as a duplicate, so `GET requests` shows both statuses).

The demo key is fixed and printed, like the demo password: anyone trying the demo can call the
endpoint at once. It is a demo credential; a real key is made on the token page and shown once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from laoyuan.cases import actions as case_actions
from laoyuan.cases import clocks
from laoyuan.cases.models import Category
from laoyuan.core.actions import PREFIX_LENGTH, hash_token_secret
from laoyuan.core.audit import audit_log
from laoyuan.core.models import ApiToken, User
from laoyuan.open311 import actions
from laoyuan.open311.jurisdictions import resolve
from laoyuan.open311.models import Submission
from laoyuan.open311.params import ServiceRequest
from laoyuan.registry.models import Compound

DEMO_DISTRICT_CODES = ("510104", "320508")
SHAHE = "510104-SH"
WUFUYUAN = "510104-SH-01-WFY"
DEMO_USER = "jiedao"
DEMO_KEY = "ly_demo-open311-shahe"
DEMO_KEY_NAME = "12345热线平台（演示）"

# (days ago, hour, service code, how it is placed, description, attributes)
REQUESTS = (
    (
        8,
        9,
        "road.surface",
        {"address_string": "成都市锦江区马家沟1号东侧小路"},
        "五福苑东侧小路路面坑洼，下雨积水，老人走路容易摔倒",
        {},
    ),
    (
        6,
        15,
        "road.surface",
        {"address_id": WUFUYUAN},
        "五福苑东边那条路坑坑洼洼的，一下雨全是水",
        {},
    ),
    (
        3,
        20,
        "env.light",
        {"address_string": "五福苑北门"},
        "北门口的路灯坏了一个多星期，晚上出门看不清",
        {},
    ),
    (
        1,
        10,
        "pipe.water",
        {"address_id": WUFUYUAN},
        "3栋整栋楼水压很低，高层基本没水，可能是二次供水水箱的问题",
        {"building": ["3"], "scope": ["building"]},
    ),
    (
        0,
        8,
        "park.ebike",
        {"address_id": WUFUYUAN, "lat": "30.657", "long": "104.101"},
        "5栋2单元有人从楼上拉线给电动车充电，线就挂在楼道里",
        {"building": ["5"]},
    ),
)


def demo_key(user: User) -> ApiToken:
    """The demo's fixed key for `user` (created once; revoked keys stay revoked)."""
    digest = hash_token_secret(DEMO_KEY)
    token = ApiToken.objects.filter(secret_hash=digest).first()
    if token is None:
        token = ApiToken.objects.create(
            user=user, name=DEMO_KEY_NAME, prefix=DEMO_KEY[:PREFIX_LENGTH], secret_hash=digest
        )
    return token


def _at(today: dt.date, days_ago: int, hour: int) -> dt.datetime:
    moment = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time())
    )
    return min(moment + dt.timedelta(hours=hour), timezone.now())


def load_open311_demo(*, today: dt.date | None = None) -> list[str]:
    """The demo key and, once, the requests it posted. Returns lines for the load-demo report."""
    today = today or timezone.localdate()
    user = User.objects.filter(username=DEMO_USER).first()
    if user is None or not Compound.objects.filter(code=WUFUYUAN).exists():
        return []
    with transaction.atomic():
        token = demo_key(user)
        if not Submission.objects.filter(case__compound__code=WUFUYUAN).exists():
            _post_requests(user, token, today)
    count = Submission.objects.filter(case__compound__code=WUFUYUAN).count()
    return [
        f"Open311：{DEMO_USER} 的演示 api_key 为 {DEMO_KEY}（“{DEMO_KEY_NAME}”），"
        f"辖区 {SHAHE}，五福苑已收到 {count} 条服务请求；接口 /open311/v2/"
    ]


def _post_requests(user: User, token, today: dt.date) -> None:
    jurisdiction = resolve(SHAHE)
    posted = []
    for days_ago, hour, code, location, text, attributes in REQUESTS:
        with clocks.frozen_at(_at(today, days_ago, hour)):
            submission = actions.request_submit(
                actor=user,
                token=token,
                jurisdiction=jurisdiction,
                category=Category.objects.get(code=code),
                request=ServiceRequest(
                    service_code=code,
                    address_id=location.get("address_id", ""),
                    address_string=location.get("address_string", ""),
                    lat=_decimal(location.get("lat")),
                    long=_decimal(location.get("long")),
                    description=text,
                    account_id=f"12345-{days_ago:02d}{hour:02d}",
                    attributes=attributes,
                ),
            )
        posted.append(submission.case)
    # The second report of the broken path repeats the first: the street cancels it.
    first, duplicate = posted[0], posted[1]
    with clocks.frozen_at(_at(today, 6, 16)):
        case_actions.case_cancel(
            actor=user,
            case=duplicate,
            reason=f"与 {first.request_id} 反映的是同一段路，合并办理",
        )
    audit_log(
        actor=None,
        action="demo.open311",
        obj=token,
        changes={"requests": [c.request_id for c in posted]},
    )


def _decimal(raw: str | None) -> Decimal | None:
    return Decimal(raw) if raw else None


def reset_open311_demo() -> None:
    """Remove the Open311 submissions of the demo places, before the cases app removes their
    cases (`cases.demo.reset_cases_demo`)."""
    compounds = Compound.objects.filter(community__street__district__code__in=DEMO_DISTRICT_CODES)
    Submission.objects.filter(case__compound__in=compounds).delete()

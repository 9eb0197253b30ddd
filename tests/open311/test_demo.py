"""Given the demo, when it loads (and loads again, and is reset), then the street official
jiedao has the printed demo key "12345热线平台（演示）", five requests it posted to 五福苑 are
cases (one cancelled as a duplicate), and a client can use that key at once: GET requests of
沙河街道 shows them open and closed, and a POST with the key opens a case."""

from django.test import Client

from laoyuan.cases.models import Case, CaseSource, CaseState
from laoyuan.open311.demo import DEMO_KEY, DEMO_KEY_NAME
from laoyuan.open311.models import Submission
from laoyuan.registry.demo.loading import load_demo


def test_the_demo_key_and_its_requests(db):
    report = load_demo()
    assert any(DEMO_KEY in line for line in report.lines())
    submissions = Submission.objects.filter(case__compound__code="510104-SH-01-WFY")
    assert submissions.count() == 5
    assert {s.token.name for s in submissions} == {DEMO_KEY_NAME}
    states = sorted(s.case.state for s in submissions)
    assert states.count(CaseState.CANCELLED) == 1
    answer = Client().get("/open311/v2/requests.json", {"jurisdiction_id": "510104-SH"}).json()
    open311 = [r for r in answer if r["description"]]
    assert {r["status"] for r in open311} == {"open", "closed"}
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": DEMO_KEY,
            "jurisdiction_id": "510104-SH",
            "service_code": "env.light",
            "address_string": "五福苑",
            "description": "2栋门口路灯不亮",
        },
    )
    assert response.status_code == 201
    load_demo()  # again: nothing more
    assert Case.objects.filter(source=CaseSource.OPEN311).count() == 6
    load_demo(reset=True)
    assert Case.objects.filter(source=CaseSource.OPEN311).count() == 5

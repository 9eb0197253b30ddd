"""Given cases in 五福苑, when staff, party staff and residents use the case pages, then each sees
what her role needs: the list with its filters, the case page with the steps she may take, the
board of escalated cases, a decided topic or a meeting's decision turned into a case, and the
resident's "我的工单" with her rating at the end."""

import datetime as dt

from laoyuan.cases import actions
from laoyuan.cases.models import Case, CaseState
from laoyuan.decisions import actions as meeting_actions
from laoyuan.voices import actions as voice_actions
from laoyuan.voices.models import TopicState
from tests.cases.helpers import category, fresh, open_case


def test_the_list_filters_by_state_party_and_text(world, parties, login):
    water = open_case(world, party=parties.water, title="3栋停水")
    open_case(world, code="env.light", title="路灯不亮")
    client = login(world.li)
    html = client.get("/cases/", {"party": parties.water.pk}).content.decode()
    assert "3栋停水" in html and "路灯不亮" not in html
    html = client.get("/cases/", {"q": water.request_id}).content.decode()
    assert "3栋停水" in html and "路灯不亮" not in html
    html = client.get("/cases/", {"state": "dispatch"}).content.decode()
    assert "路灯不亮" in html and "3栋停水" not in html
    assert client.get("/cases/", {"state": "nonsense", "compound": "x"}).status_code == 200


def test_the_case_page_offers_each_role_its_own_steps(world, parties, login):
    case = open_case(world, party=parties.property)
    as_party = login(world.sun).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="step-accept"' in as_party and 'id="step-dispatch"' not in as_party
    as_worker = login(world.li).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="step-cancel"' in as_worker and 'id="step-accept"' not in as_worker
    assert 'id="step-notice"' in as_worker
    as_grid = login(world.zhang).get(f"/cases/{case.pk}/").content.decode()
    assert 'id="step-' not in as_grid  # she follows it; the steps are not hers
    assert "打印受理回执" in as_worker and "打印受理回执" not in as_party


def test_the_board_shows_escalated_cases_at_the_viewers_level(world, parties, login):
    from laoyuan.cases import clocks
    from laoyuan.cases.sweep import sweep
    from tests.cases.helpers import at

    with clocks.frozen_at(at("2026-09-01 09:00")):
        late = open_case(world, party=parties.property, title="迟迟不受理")
    open_case(world, title="刚登记")
    sweep(now=at("2026-09-02 09:01"))
    html = login(world.li).get("/cases/board/").content.decode()
    assert "迟迟不受理" in html and "刚登记" not in html and "社区" in html
    assert "迟迟不受理" not in login(world.wang).get("/cases/board/").content.decode()
    assert "迟迟不受理" in login(world.wang).get("/cases/board/?all=1").content.decode()
    assert fresh(late).level == 1


def test_a_decided_topic_becomes_a_case_from_its_page(world, parties, login):
    voices = voice_actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel="phone",
        said_on=dt.date.today(),
        entries=[voice_actions.VoiceEntry(text="楼道灯坏了", speaker_name="王大爷")],
    )
    topic = voice_actions.topic_create(actor=world.li, voices=voices, title="楼道灯坏了")
    topic = voice_actions.topic_transition(
        actor=world.li,
        topic=topic,
        to_state=TopicState.DECIDED,
        outcome=voice_actions.Outcome(decision="物业更换灯具", responsible_party="五福物业"),
    )
    page = login(world.li).get(f"/topics/{topic.pk}/").content.decode()
    assert f"/cases/from-topic/{topic.pk}/" in page
    form = login(world.li).get(f"/cases/from-topic/{topic.pk}/").content.decode()
    assert "五福苑物业服务中心" in form  # the decision's "五福物业" matched by alias
    response = login(world.li).post(
        f"/cases/from-topic/{topic.pk}/",
        {"category": category("house.stairs").pk, "party": parties.property.pk},
    )
    case = Case.objects.get(topic=topic)
    assert response.url == f"/cases/{case.pk}/" and case.state == CaseState.ASSIGNED
    assert f"/cases/{case.pk}/" in login(world.li).get(f"/topics/{topic.pk}/").content.decode()


def test_a_meetings_decision_becomes_a_case_from_the_meeting_page(world, parties, login):
    voices = voice_actions.voices_record(
        actor=world.li,
        compound=world.wufuyuan,
        channel="onsite_meeting",
        said_on=dt.date.today(),
        entries=[voice_actions.VoiceEntry(text="消防通道被堵")],
    )
    topic = voice_actions.topic_create(actor=world.li, voices=voices, title="消防通道被堵")
    meeting = meeting_actions.meeting_record(
        actor=world.li,
        compound=world.wufuyuan,
        kind="onsite",
        title="现场办公会",
        held_on=dt.date.today(),
        place="院坝",
        attendees=[meeting_actions.AttendeeEntry(name="李社工")],
        topics=[topic],
    )
    decision = meeting_actions.meeting_decide(
        actor=world.li,
        meeting=meeting,
        topic=topic,
        responsible_party="沙河街道城管办",
        solution="清理占道车辆",
        deadline=dt.date.today() + dt.timedelta(days=5),
    )
    page = login(world.li).get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"/cases/from-decision/{decision.pk}/" in page
    response = login(world.li).post(
        f"/cases/from-decision/{decision.pk}/", {"category": category("road.firelane").pk}
    )
    case = Case.objects.get(decision=decision)
    assert response.status_code == 302 and case.party == parties.chengguan


def test_the_resident_reports_follows_and_rates_on_the_portal(world, parties, login):
    liu = login(world.liu)
    assert "我的工单" in liu.get("/portal/").content.decode()
    response = liu.post(
        "/portal/cases/new/",
        {
            "compound": world.wufuyuan.pk,
            "category": category("env.light").pk,
            "building": world.b1.pk,
            "description": "1栋楼下路灯不亮，晚上看不见",
        },
    )
    case = Case.objects.get(reporter_account=world.liu)
    assert response.url == f"/portal/cases/{case.pk}/"
    actions.case_dispatch(actor=world.li, case=case, party=parties.property)
    actions.case_accept(actor=world.sun, case=fresh(case))
    actions.case_solve(actor=world.sun, case=fresh(case), note="已更换灯泡")
    page = liu.get(f"/portal/cases/{case.pk}/").content.decode()
    assert "请您确认并评价" in page and "已更换灯泡" in page and "孙物业" not in page
    response = liu.post(f"/portal/cases/{case.pk}/", {"rating": "satisfied"})
    assert response.status_code == 302 and fresh(case).state == CaseState.CLOSED
    assert "已结案" in liu.get("/portal/cases/").content.decode()


def test_staff_have_no_portal_and_residents_no_staff_pages(world, parties, login):
    assert login(world.li).get("/portal/cases/").status_code == 404
    for url in ("/cases/", "/cases/board/", "/cases/parties/", "/cases/new/"):
        assert login(world.liu).get(url).status_code == 404, url

"""The vote pages for staff: the list, preparing a vote (a refused form keeps what was typed),
the roll check before opening, the participation while open (never the split), the roll with
masked phones and a logged reveal, entering paper ballots and proxies, closing, the result
page, its PDF and .xlsx, the check of the records, and the scans (logged)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from laoyuan.core.models import AuditEvent
from laoyuan.decisions.votes import ballots
from laoyuan.decisions.votes.models import Ballot, Matter, Vote, VoteStatus
from laoyuan.registry.actions import apply_phone
from tests.votes import helpers as h


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def lift(world):
    c = world.wufuyuan
    u = h.units(
        c, "5", [("101", "70.00", ["甲"]), ("102", "50.00", ["乙"]), ("201", "60.00", ["丙"])]
    )
    jia = h.owner_named(c, "甲")
    apply_phone(jia, "13912345678")
    jia.save()
    vote = h.open_vote(world, Matter.REBUILD, buildings=[h.building(c, "5")])
    return vote, u


def test_the_list_shows_votes_in_scope_and_explains_itself_to_property_staff(world, login, lift):
    vote, _u = lift
    page = text(login(world.li).get(reverse("decisions:votes")))
    assert vote.title in page and "投票中" in page and "0/3" in page
    assert "发起表决" in text(
        login(world.li).get(reverse("decisions:votes"), {"compound": world.wufuyuan.pk})
    )
    page = text(login(world.sun).get(reverse("decisions:votes")))
    assert "您的角色看不到表决名册和投票情况" in page and vote.title not in page
    assert login(world.liu).get(reverse("decisions:votes")).status_code == 404


def test_a_refused_vote_form_keeps_everything_typed(world, login):
    client = login(world.li)
    url = reverse("decisions:vote_new", args=[world.wufuyuan.pk])
    assert "召开表决的业主大会" in text(client.get(url))
    now = timezone.localtime()
    response = client.post(
        url,
        {
            "title": "加装电梯",
            "matter": Matter.ADVISORY,
            "question": "您同意在本单元加装电梯吗？",
            "opens_at": f"{now:%Y-%m-%dT%H:%M}",
            "closes_at": f"{now - dt.timedelta(days=1):%Y-%m-%dT%H:%M}",
            "options": "同意\n",
        },
    )
    page = text(response)
    assert "没有保存：请按提示修改。" in page
    assert "截止时间应晚于开始时间" in page and "意见征询至少要有两个选项" in page
    assert 'value="加装电梯"' in page and "您同意在本单元加装电梯吗？" in page
    assert not Vote.objects.exists()


def test_a_draft_shows_its_roll_check_and_opens(world, login):
    # given a draft of the whole compound: 1栋102 and 2栋101 have no owner in the cast's world
    client = login(world.li)
    vote = h.actions.vote_create(
        actor=world.li, compound=world.wufuyuan, draft=h.draft(meeting=h.assembly(world))
    )
    page = text(client.get(reverse("decisions:vote", args=[vote.pk])))
    assert "现在还不能开始投票" in page and "有2套房屋没有登记业主" in page
    assert reverse("registry:unit", args=[world.u102.pk]) in page
    response = client.post(reverse("decisions:vote_open", args=[vote.pk]))
    assert "有2套房屋没有登记业主" in text(response)
    vote.refresh_from_db()
    assert vote.status == VoteStatus.DRAFT


def test_an_open_vote_shows_participation_but_not_the_split(world, login, lift):
    vote, u = lift
    h.paper(world, vote, u[0], "甲", "yes")
    page = text(login(world.li).get(reverse("decisions:vote", args=[vote.pk])))
    # 70.00 of 180.00 m² (38.89%), 1 of 3 persons (33.33%) have voted
    assert "38.89%" in page and "70.00 / 180.00" in page and "33.33%" in page
    assert "截止前不显示同意、不同意的票数" in page
    assert "表决结果" not in page
    history = text(login(world.li).get(reverse("decisions:vote_ballots", args=[vote.pk])))
    assert "截止后显示" in history


def test_the_roll_masks_phones_and_reveals_them_on_a_logged_request(world, login, lift):
    vote, _u = lift
    client = login(world.li)
    page = text(client.get(reverse("decisions:vote_roll", args=[vote.pk]), {"voted": "no"}))
    assert "139****5678" in page and "13912345678" not in page
    assert "vote-owners/" in page  # the reveal button of each owner with a phone
    owner = vote.roll_owners.get(name="甲")
    shown = text(client.post(reverse("decisions:vote_owner_reveal", args=[owner.pk])))
    assert "13912345678" in shown and "查看已记录" in shown
    assert AuditEvent.objects.filter(action="pii.reveal.phone", actor=world.li).count() == 1
    # the owners' committee sees the list masked and cannot reveal
    committee = login(world.zhao)
    assert "vote-owners/" not in text(committee.get(reverse("decisions:vote_roll", args=[vote.pk])))
    assert (
        committee.post(reverse("decisions:vote_owner_reveal", args=[owner.pk])).status_code == 404
    )


def test_the_not_voted_list_is_for_door_knocking(world, login, lift):
    vote, u = lift
    h.paper(world, vote, u[1], "乙", "no")
    page = text(
        login(world.li).get(reverse("decisions:vote_roll", args=[vote.pk]), {"voted": "no"})
    )
    assert "甲" in page and "丙" in page and ">乙<" not in page


def test_a_paper_ballot_is_found_by_room_and_typed_in(world, login, lift):
    vote, u = lift
    client = login(world.li)
    url = reverse("decisions:vote_paper", args=[vote.pk])
    found = text(client.get(url, {"q": "5栋1单元102"}))
    person = h.person_of(vote, u[1])
    assert f"?person={person.pk}" in found
    form = text(client.get(url, {"person": person.pk}))
    assert "表决票上勾选的是" in form and "同意" in form
    owner = vote.roll_owners.get(name="乙")
    received = f"{timezone.localtime():%Y-%m-%dT%H:%M}"
    # without the scan: refused, the number kept
    response = client.post(
        f"{url}?person={person.pk}",
        {
            "person": person.pk,
            "owner": owner.pk,
            "choice": "no",
            "ballot_number": "Z-07",
            "received_at": received,
        },
    )
    page = text(response)
    assert "请上传扫描件或照片" in page and 'value="Z-07"' in page
    assert not Ballot.objects.exists()
    response = client.post(
        f"{url}?person={person.pk}",
        {
            "person": person.pk,
            "owner": owner.pk,
            "choice": "no",
            "ballot_number": "Z-07",
            "received_at": received,
            "scan": h.scan(),
        },
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.ballot_number, ballot.channel, ballot.cast_by) == ("Z-07", "paper", world.li)


def test_a_proxy_is_recorded_with_its_authorisation(world, login, lift):
    vote, u = lift
    client = login(world.li)
    person = h.person_of(vote, u[2])
    url = reverse("decisions:vote_proxy", args=[vote.pk])
    response = client.post(
        f"{url}?person={person.pk}",
        {
            "person": person.pk,
            "owner": vote.roll_owners.get(name="丙").pk,
            "proxy_name": "丙的女儿",
            "scan": h.scan("pdf"),
        },
    )
    assert response.status_code == 302
    assert "丙的女儿" in text(client.get(f"{url}?person={person.pk}"))


def test_closing_counts_and_shows_the_result_pdf_and_xlsx(world, login, lift):
    vote, u = lift
    client = login(world.li)
    h.paper(world, vote, u[0], "甲", "yes")
    h.paper(world, vote, u[1], "乙", "yes")
    h.paper(world, vote, u[2], "丙", "no")
    early = text(client.get(reverse("decisions:vote_close", args=[vote.pk])))
    assert "还没到，不能提前结束" in early
    h.polls_close(vote)
    response = client.post(reverse("decisions:vote_close", args=[vote.pk]))
    assert response.status_code == 302
    page = text(client.get(reverse("decisions:vote", args=[vote.pk])))
    # yes 120.00 of 180.00 m² (66.67%) and 2 of 3 (66.67%): under 3/4, rejected
    assert "未通过：同意的面积或人数未达到要求" in page
    assert "120.00" in page and "66.67%" in page and "≥ 3/4" in page
    pdf = client.get(reverse("decisions:vote_result_pdf", args=[vote.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    xlsx = client.get(reverse("decisions:vote_result_xlsx", args=[vote.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["表决结果", "表决名册", "表决票记录"]
    cells = [c for row in book["表决名册"].iter_rows(values_only=True) for c in row if c]
    assert any("139****5678" in str(c) for c in cells)
    assert not any("13912345678" in str(c) for c in cells)
    assert "核验通过：" in text(client.get(reverse("decisions:vote_verify", args=[vote.pk])))
    history = text(client.get(reverse("decisions:vote_ballots", args=[vote.pk])))
    assert "截止后显示" not in history and "不同意" in history


def test_the_result_downloads_wait_for_the_count(world, login, lift):
    vote, _u = lift
    response = login(world.li).get(reverse("decisions:vote_result_pdf", args=[vote.pk]))
    assert response.status_code == 302 and response.url == reverse("decisions:vote", args=[vote.pk])


def test_opening_a_scan_is_logged_and_only_for_organisers(world, login, lift):
    vote, u = lift
    ballot = h.paper(world, vote, u[0], "甲", "yes")
    response = login(world.li).get(reverse("decisions:vote_ballot_scan", args=[ballot.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert AuditEvent.objects.filter(action="pii.reveal.vote_scan").count() == 1
    proxy = ballots.proxy_record(
        actor=world.li,
        vote=vote,
        owner=vote.roll_owners.get(name="乙"),
        proxy_name="代",
        scan=h.scan("pdf"),
    )
    response = login(world.zhao).get(reverse("decisions:vote_proxy_scan", args=[proxy.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert (
        login(world.zhang).get(reverse("decisions:vote_ballot_scan", args=[ballot.pk])).status_code
        == 404
    )


def test_cancelling_a_vote_from_its_page(world, login, lift):
    vote, _u = lift
    client = login(world.li)
    response = client.post(reverse("decisions:vote_cancel", args=[vote.pk]), {"reason": ""})
    assert "请写明取消的原因" in text(response)
    response = client.post(reverse("decisions:vote_cancel", args=[vote.pk]), {"reason": "方案要改"})
    assert response.status_code == 302
    assert "方案要改" in text(client.get(reverse("decisions:vote", args=[vote.pk])))

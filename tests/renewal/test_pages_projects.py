"""Given the community worker of 沙河社区, when she puts a project in 五福苑's library, edits it
and moves it on through the pages, then a refused form keeps everything she typed and says in
Chinese what is wrong, a refused step lists every requirement missing (and the checks not yet
enforced), and nothing half-written is stored."""

from django.urls import reverse

from laoyuan.renewal.models import Project, ProjectQuantity
from tests.renewal import given

FORM = {
    "title": "雨污分流改造",
    "item_type": "drainage",
    "description": "全面实施雨污分流",
    "budget": "15000000.00",
    "planned_start": "",
    "planned_end": "",
    "designer": "",
    "contractor": "",
    "vote_matter": "",
    "fund_emergency_reason": "",
    "q-TOTAL_FORMS": "3",
    "q-INITIAL_FORMS": "0",
    "q-MIN_NUM_FORMS": "0",
    "q-MAX_NUM_FORMS": "50",
    "q-0-item": "更换地下管网",
    "q-0-amount": "200",
    "q-0-unit": "米",
}


def test_a_project_is_created_with_its_scope(world, login):
    client = login(world.li)
    data = {**FORM, "buildings": [world.b1.pk]}
    response = client.post(reverse("renewal:project_new", args=[world.wufuyuan.pk]), data)
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "renewal:project", args=[project.pk]
    )
    assert list(project.buildings.all()) == [world.b1]
    assert list(ProjectQuantity.objects.values_list("item", "amount", "unit")) == [
        ("更换地下管网", 200, "米")
    ]


def test_a_refused_form_keeps_what_was_typed_and_says_why(world, login):
    client = login(world.li)
    bad = {
        **FORM,
        "budget": "1.234",
        "planned_start": "2026-05-01",
        "planned_end": "2026-04-01",
        "q-1-item": "外立面",
        "q-1-amount": "很多",
        "q-1-unit": "平方米",
    }
    response = client.post(reverse("renewal:project_new", args=[world.wufuyuan.pk]), bad)
    page = response.content.decode()
    assert response.status_code == 200
    assert "没有保存：请按提示修改。" in page
    assert "计划完工不能早于计划开工。" in page or "预算最多两位小数。" in page
    assert 'value="1.234"' in page and 'value="很多"' in page and "全面实施雨污分流" in page
    assert not Project.objects.exists()


def test_a_refused_step_lists_what_is_missing(world, login):
    project = given.advance(world, given.project(world), "consulted")
    client = login(world.li)
    url = reverse("renewal:project_transition", args=[project.pk])
    page = client.post(url, {"to_state": "designed", "note": ""}).content.decode()
    assert "项目还不能改为“方案已设计”，缺少以下条件：" in page
    assert "缺少改造方案：请上传“改造方案”附件。" in page
    assert "尚未填写预算金额。" in page
    project.refresh_from_db()
    assert project.state == "consulted"


def test_the_project_page_shows_each_steps_checklist_with_the_owners_vote(world, login):
    project = given.advance(world, given.project(world, vote_matter="use_fund"), "designed")
    page = login(world.li).get(reverse("renewal:project", args=[project.pk])).content.decode()
    assert "下一步：已决策" in page
    assert "关联了会议决议" in page and "尚未关联会议决议" in page
    assert "业主共同决定的事项经业主表决通过（民法典第二百七十八条）" in page
    assert "尚未关联业主表决" in page
    assert "尚未接入" not in page


def test_a_resident_or_an_outsider_gets_404_on_the_staff_pages(world, login):
    project = given.project(world)
    for who in ("liu", "qian", "nobody"):
        assert (
            login(world.users[who]).get(reverse("renewal:project", args=[project.pk])).status_code
            == 404
        )


def test_the_topic_page_links_to_its_project(world, login):
    topic = given.topic(world)
    project = given.project(world, topics=[topic])
    page = login(world.li).get(reverse("voices:topic", args=[topic.pk])).content.decode()
    assert reverse("renewal:project", args=[project.pk]) in page


def test_the_project_page_and_the_portal_in_english(world, login):
    project = given.advance(world, given.project(world), "consulted")
    client = login(world.li)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("renewal:project", args=[project.pk])).content.decode()
    assert "Next step: Designed" in page
    assert "Renovation plan missing: please upload a “Renovation plan” attachment." in page
    assert "Drainage and rain/sewage separation" in page  # the catalogue, in English too
    resident = login(world.liu)
    resident.post("/i18n/setlang/", {"language": "en", "next": "/"})
    portal = resident.get(reverse("renewal:portal_project", args=[project.pk])).content.decode()
    assert "Where the money comes from and where it goes" in portal
    assert "I volunteer to supervise" in portal

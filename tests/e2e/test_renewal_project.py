"""A renovation project walks from proposal to acceptance in the browser: 李社工 puts the
drainage works of 五福苑 in the project library (a rebuilding of common facilities, which the
owners decide: 民法典第278条), is refused the first step and told why (no residents' topic yet),
links the evening talk's topic, uploads the plan and drawings, names the meeting decision, is
refused 已决策 until she links the owners' vote that passed, is refused 已公示 until the plan she
publicises from the project page has run its period and closed, records the government's
pledge, plans the schedule, registers volunteers and forms the supervision group, reports the
work done, records the group's signatures, opens the satisfaction survey — which 刘桂兰 answers
on her phone — and accepts the project. The owners' vote itself (its ballots and count) and the
passing of the notice's period are given through the actions: the votes app's own browser test
walks a vote."""

from django.urls import reverse
from playwright.sync_api import expect

from laoyuan.notices.models import Notice
from laoyuan.renewal.models import Project
from tests.renewal import given

PDF = {"name": "方案.pdf", "mimeType": "application/pdf", "buffer": given.PDF_BYTES}


def _step(page, project, label: str) -> None:
    page.goto(reverse("renewal:project", args=[project.pk]))
    page.get_by_role("link", name=f"改为“{label}”").click()
    page.get_by_role("button", name="确定").click()


def _attach(page, project, kind: str, title: str) -> None:
    page.goto(reverse("renewal:project_attach", args=[project.pk]))
    page.get_by_label("附件类型").select_option(label=kind)
    page.get_by_label("附件名称").fill(title)
    page.get_by_label("文件").set_input_files(PDF)
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text(f"已上传“{title}”")).to_be_visible()


def test_a_project_walks_from_proposal_to_acceptance(page, e2e_world, sign_in):
    w = e2e_world
    topic = given.topic(w)  # the evening talk's voices, decided
    decision = given.decision(w)  # an on-site meeting that adopted the plan
    for name in ("张监督", "王监督", "陈监督"):
        given.resident(w, w.wufuyuan, name)

    # li puts the project in 五福苑's library
    sign_in(page, w.li)
    page.goto(reverse("renewal:compound", args=[w.wufuyuan.pk]))
    page.get_by_role("link", name="新建改造项目").click()
    page.get_by_label("项目名称").fill("雨污分流改造")
    page.get_by_label("改造项").select_option(label="雨污分流与排水")
    page.get_by_label("预算（元）").fill("4620000.00")
    page.get_by_label("需业主共同决定的事项").select_option(
        label="（七）改建、重建建筑物及其附属设施"
    )
    page.get_by_label("第1行内容").fill("更换地下管网")
    page.get_by_label("第1行数量").fill("200")
    page.get_by_label("第1行单位").fill("米")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("雨污分流改造")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提出")
    project = Project.objects.get()

    # the first step is refused, and the page says exactly why
    _step(page, project, "已征求意见")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("项目还不能改为“已征求意见”，缺少以下条件：")
    expect(alert).to_contain_text("尚未关联居民议题")

    # she links the topic the residents raised, and the step goes through
    page.goto(reverse("renewal:project_topics", args=[project.pk]))
    page.get_by_label(topic.title).check()
    page.get_by_role("button", name="关联所选议题").click()
    expect(page.get_by_text("已关联1个议题")).to_be_visible()
    _step(page, project, "已征求意见")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已征求意见")

    # the plan and the drawings
    _attach(page, project, "改造方案", "雨污分流改造方案")
    _attach(page, project, "设计图纸", "管网施工图")
    _step(page, project, "方案已设计")
    expect(page.get_by_role("heading", level=1)).to_contain_text("方案已设计")

    # the meeting decision
    page.goto(reverse("renewal:project_topics", args=[project.pk]))
    page.get_by_label("会议决定").select_option(str(decision.pk))
    page.get_by_role("button", name="保存决议").click()

    # 已决策 is refused: the owners have not voted, and the page says so
    _step(page, project, "已决策")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("项目还不能改为“已决策”，缺少以下条件：")
    expect(alert).to_contain_text("尚未关联业主表决")
    # the owners of building 9 voted for it (typed in and counted in the votes app)
    vote = given.passed_vote(w, project)
    page.goto(reverse("renewal:project", args=[project.pk]))
    page.get_by_role("link", name="业主表决", exact=True).click()
    page.get_by_label("业主表决").select_option(str(vote.pk))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"已关联业主表决“{vote.title}”")).to_be_visible()
    _step(page, project, "已决策")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已决策")

    # 已公示 is refused until the plan has been publicised and the period is over
    _step(page, project, "已公示")
    expect(page.get_by_role("alert")).to_contain_text("尚未公示改造方案")
    page.goto(reverse("renewal:project", args=[project.pk]))
    page.get_by_role("link", name="发布方案公示").click()
    page.get_by_label("公示天数").fill("1")
    page.get_by_label("按工作日计算（节假日顺延）").uncheck()
    page.get_by_role("button", name="发布公示").click()
    expect(page.get_by_text("已发布公示“雨污分流改造改造方案公示”")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="改造方案公示")).to_contain_text("公示中")
    notice = Notice.objects.get(subject_id=project.pk, kind="plan")
    _step(page, project, "已公示")
    expect(page.get_by_role("alert")).to_contain_text("尚未结束")
    given.close_notice(given.period_over(notice))  # a day later the sweep closed it
    _step(page, project, "已公示")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已公示")

    # the government's pledge covers the budget
    page.goto(reverse("renewal:funding", args=[project.pk]))
    page.get_by_role("link", name="添加资金来源").click()
    page.get_by_label("资金来源").select_option(label="政府财政资金")
    page.get_by_label("出资方").fill("锦江区住建局")
    page.get_by_label("认缴金额（元）").fill("4620000.00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已添加资金来源")).to_be_visible()
    _step(page, project, "资金已落实")

    # the schedule: dates and a milestone
    page.goto(reverse("renewal:project_edit", args=[project.pk]))
    page.get_by_label("计划开工").fill(given.TODAY.isoformat())
    page.get_by_label("计划完工").fill(given.TODAY.replace(year=given.TODAY.year + 1).isoformat())
    page.get_by_label("施工单位").fill("四川蜀安建设工程有限公司")
    page.get_by_role("button", name="保存").click()
    page.goto(reverse("renewal:milestone_new", args=[project.pk]))
    page.get_by_label("节点").fill("竣工验收")
    page.get_by_label("计划日期").fill(given.TODAY.replace(year=given.TODAY.year + 1).isoformat())
    page.get_by_role("button", name="保存").click()
    _step(page, project, "招标中")

    # volunteers, the supervision group and the work items
    for name in ("张监督", "王监督", "陈监督"):
        page.goto(reverse("renewal:supervision", args=[project.pk]) + f"?q={name}")
        page.get_by_role("button", name="登记为志愿者").click()
        expect(page.get_by_text(f"已登记{name}为监督志愿者")).to_be_visible()
    page.get_by_role("link", name="居民推选成立").click()
    for name in ("张监督", "王监督", "陈监督"):
        page.get_by_label(name).check()
    page.get_by_label("组长").select_option(label="1. 张监督")
    page.get_by_role("button", name="成立").click()
    expect(page.get_by_text("监督小组已成立")).to_be_visible()
    page.goto(reverse("renewal:work_item_new", args=[project.pk]))
    page.get_by_label("子项名称").fill("更换地下管网")
    page.get_by_label("权重").fill("3")
    page.get_by_label("计划工程量").fill("200")
    page.get_by_label("单位").fill("米")
    page.get_by_role("button", name="保存").click()
    _step(page, project, "施工中")
    expect(page.get_by_role("heading", level=1)).to_contain_text("施工中")

    # the work is done, reported, and the report uploaded
    page.goto(reverse("renewal:schedule", args=[project.pk]))
    page.get_by_role("link", name="填报进度").click()
    page.get_by_label("累计完成工程量").fill("200")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("工程进度 100.0%")).to_be_visible()
    _attach(page, project, "验收报告", "竣工验收报告")

    # the group signs, the survey opens
    for _ in range(3):
        page.goto(reverse("renewal:signoff_new", args=[project.pk]))
        page.get_by_label("监督小组成员").select_option(index=1)
        page.get_by_label("同意验收", exact=True).check()
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text("已记录签字")).to_be_visible()
    page.goto(reverse("renewal:survey_open", args=[project.pk]))
    page.get_by_label("截止日期").fill(given.TODAY.isoformat())
    page.get_by_role("button", name="保存").click()

    # 刘桂兰 answers on her phone
    page.get_by_role("button", name="退出").click()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, w.liu)
    page.goto(reverse("renewal:portal_projects"))
    page.get_by_role("link", name="雨污分流改造").click()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("还有什么想说的（可不填）").fill("下雨再也不冒水了")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("您家的评价已收到")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # li closes the survey and accepts the project
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, w.li)
    page.goto(reverse("renewal:acceptance", args=[project.pk]))
    expect(page.get_by_role("table").nth(0)).to_contain_text("100.0%")
    page.get_by_role("button", name="结束调查").click()
    _step(page, project, "已验收")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已验收")
    project.refresh_from_db()
    assert project.state == "accepted" and project.accepted_on == given.TODAY

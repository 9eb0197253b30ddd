"""Scope-walk fillers of the renewal pages (老旧小区改造): objects of 五福苑 for li (the insider)
and for the outsider qian, objects of 马家沟小区 for the grid worker zhang (renewal is compound-
wide, like topics: she sees all of 五福苑). Each object is made through the real actions; a
world builds each kind once per compound (cached on the world) so the walk stays quick.

The portal pages are the resident's: liu is their insider; qian and zhang are staff, for whom
they answer 404 whatever the object."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from laoyuan.renewal import actions
from laoyuan.renewal.models import AttachmentKind, SourceKind
from tests.renewal import given

TODAY = dt.date.today()


def _cache(world, key, build):
    store = world.__dict__.setdefault("_renewal_fills", {})
    if key not in store:
        store[key] = build()
    return store[key]


def project(w, c):
    return _cache(w, ("project", c.pk), lambda: given.project(w, compound=c, budget="1000000.00"))


def built(w, c):
    """A project under construction, with its group, a survey and a finished check of work."""

    def build():
        p = given.advance(w, given.project(w, compound=c, title="外立面整治"), "construction")
        actions.survey_open(actor=w.li, project=p, closes_on=TODAY + dt.timedelta(days=7))
        return p

    return _cache(w, ("built", c.pk), build)


def accepted(w, c):
    return _cache(
        w,
        ("accepted", c.pk),
        lambda: given.advance(w, given.project(w, compound=c, title="屋面防水"), "accepted"),
    )


def source(w, c):
    def build():
        s = actions.source_add(
            actor=w.li,
            project=project(w, c),
            kind=SourceKind.GOVERNMENT,
            funder="区财政",
            pledged="1000.00",
            booked_on=TODAY,
        )
        actions.receipt_record(actor=w.li, source=s, amount="600.00", booked_on=TODAY)
        return s

    return _cache(w, ("source", c.pk), build)


def entry(w, c):
    return source(w, c).entries.order_by("pk").last()


def payment(w, c):
    return _cache(
        w,
        ("payment", c.pk),
        lambda: actions.payment_request(
            actor=w.li, source=source(w, c), amount="100.00", payee="施工单位", purpose="进度款"
        ),
    )


def scheme(w, c):
    def build():
        given.home(w, c)
        s = actions.source_add(
            actor=w.li, project=project(w, c), kind=SourceKind.RESIDENTS, funder="居民自筹"
        )
        buildings = list(c.buildings.all())
        return actions.share_scheme_create(
            actor=w.li,
            project=project(w, c),
            source=s,
            basis="area",
            total=Decimal("300.00"),
            buildings=buildings,
        )

    return _cache(w, ("scheme", c.pk), build)


def share(w, c):
    return scheme(w, c).shares.order_by("pk").first()


def attachment(w, c):
    return _cache(
        w,
        ("attachment", c.pk),
        lambda: actions.attachment_add(
            actor=w.li,
            project=project(w, c),
            kind=AttachmentKind.PLAN,
            title="方案",
            upload=given.pdf(),
        ),
    )


def member(w, c):
    return built(w, c).group.members.order_by("pk").first()


def inspection(w, c):
    return _cache(
        w,
        ("inspection", c.pk),
        lambda: actions.inspection_record(
            actor=w.li,
            project=built(w, c),
            inspected_on=TODAY,
            inspectors="监督小组",
            findings="脚手架下无防护网",
            photos=[given.png()],
            problems=[actions.ProblemEntry("脚手架防护网缺失", "施工单位", 3, "3栋")],
        ),
    )


def photo(w, c):
    return inspection(w, c).photos.first()


def item(w, c):
    return inspection(w, c).problems.first()


def designed(w, c):
    """A project designed (plan and drawings attached), its matter one the owners decide."""
    return _cache(
        w,
        ("designed", c.pk),
        lambda: given.advance(
            w, given.project(w, compound=c, title="加装电梯", vote_matter="rebuild"), "designed"
        ),
    )


def vote(w, c):
    """A passed owners' vote of the designed project's matter (building 9 of the compound)."""
    return _cache(w, ("vote", c.pk), lambda: given.passed_vote(w, designed(w, c)))


def uncased(w, c):
    """An item from before case work was wired: recorded without a case."""
    from laoyuan.renewal.models import RectificationItem

    def build():
        made = actions.rectification_create(
            actor=w.li,
            compound=c,
            title="单元门闭门器损坏",
            responsible_party="物业",
            found_on=TODAY,
            work_days=3,
        )
        RectificationItem.objects.filter(pk=made.pk).update(case=None)
        made.refresh_from_db()
        return made

    return _cache(w, ("uncased", c.pk), build)


def milestone(w, c):
    return _cache(
        w,
        ("milestone", c.pk),
        lambda: actions.milestone_add(
            actor=w.li, project=project(w, c), name="进场", planned_on=TODAY
        ),
    )


def work_item(w, c):
    return built(w, c).work_items.first()


def task(w, c):
    return _cache(
        w,
        ("task", c.pk),
        lambda: actions.maintenance_add(
            actor=w.li,
            project=accepted(w, c),
            name="屋面巡查",
            responsible_party="物业",
            interval_months=6,
            first_due=TODAY,
        ),
    )


def rating(w, c):
    def build():
        asset = actions.asset_add(
            actor=w.li, compound=c, asset_type="drain_pipe", name="雨水管", quantity_value="100"
        )
        made = actions.checkup_record(
            actor=w.li,
            compound=c,
            checked_on=TODAY,
            inspector="区住建局",
            ratings=[actions.RatingEntry(asset, "poor", "多处塌陷")],
        )
        return made.ratings.get()

    return _cache(w, ("rating", c.pk), build)


def checkup(w, c):
    return rating(w, c).checkup


def _fill(build):
    return (
        lambda w: build(w, w.wufuyuan),
        lambda w: build(w, w.wufuyuan),
        lambda w: build(w, w.majiagou),
    )


FILL = {
    **{
        f"renewal:{name}": _fill(lambda w, c: c)
        for name in (
            "compound",
            "project_new",
            "rectification_new",
            "checkup",
            "asset_new",
            "checkup_new",
        )
    },
    **{
        f"renewal:{name}": _fill(project)
        for name in (
            "project",
            "project_edit",
            "project_transition",
            "project_topics",
            "project_attach",
            "funding",
            "source_new",
            "scheme_new",
            "accounts",
            "accounts_pdf",
            "accounts_xlsx",
            "accounts_publish",
            "supervision",
            "volunteer_add",
            "group_draw",
            "group_elect",
            "inspection_new",
            "schedule",
            "milestone_new",
            "work_item_new",
            "acceptance",
            "signoff_new",
            "survey_open",
            "survey_close",
            "maintenance_new",
            "project_vote",
            "plan_notice_new",
            "accounts_notice_new",
        )
    },
    "renewal:survey_paper": _fill(built),
    "renewal:attachment": _fill(attachment),
    "renewal:pledge_new": _fill(source),
    "renewal:receipt_new": _fill(source),
    "renewal:payment_new": _fill(source),
    "renewal:payment": _fill(payment),
    "renewal:entry_reverse": _fill(entry),
    "renewal:scheme": _fill(scheme),
    "renewal:scheme_xlsx": _fill(scheme),
    "renewal:share_pay": _fill(share),
    "renewal:member_leader": _fill(member),
    "renewal:inspection": _fill(inspection),
    "renewal:inspection_photo": _fill(photo),
    "renewal:milestone_done": _fill(milestone),
    "renewal:work_report": _fill(work_item),
    "renewal:maintenance_done": _fill(task),
    "renewal:rectification": _fill(item),
    "renewal:checkup_detail": _fill(checkup),
    "renewal:rating_project": _fill(rating),
    "renewal:rating_rectification": _fill(rating),
    **{
        f"renewal:{name}": _fill(project)
        for name in (
            "portal_project",
            "portal_volunteer",
            "portal_signoff",
            "portal_survey",
            "portal_accounts",
        )
    },
}
INSIDER = {
    f"renewal:{name}": "liu"
    for name in (
        "portal_project",
        "portal_volunteer",
        "portal_signoff",
        "portal_survey",
        "portal_accounts",
    )
}

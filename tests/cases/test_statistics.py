"""Given a known set of cases — ten solved in 1 to 10 working hours and rated, one reopened after
a dissatisfied rating and still open past its deadline, one never touched — when the statistics
of the period are read (page, API, Excel), then every rate is the exact fraction of the cases
whose step was due, the average and the 90th percentile (nearest rank) of the time to solve are
exact in working seconds, on SQLite and PostgreSQL alike."""

import datetime as dt
import io

from openpyxl import load_workbook

from laoyuan.cases import actions, clocks, stats
from tests.cases.helpers import at, fresh, get, open_case

OPEN = "2026-09-01 09:00"
NOW = at("2026-09-10 09:00")
PERIOD = {"since": "2026-09-01", "until": "2026-09-30"}


def known_cases(world, parties) -> None:
    with clocks.frozen_at(at(OPEN)):
        solved = [open_case(world, code="house.roof", party=parties.property) for _ in range(10)]
        reopened = open_case(world, code="house.roof", party=parties.property)
        open_case(world, code="house.roof", party=parties.water)
        for case in [*solved, reopened]:
            actions.case_accept(actor=world.sun, case=fresh(case))
    for hours, case in enumerate(solved, start=1):
        with clocks.frozen_at(at(OPEN) + dt.timedelta(hours=hours)):
            actions.case_solve(actor=world.sun, case=fresh(case), note="好了")
            rating = "satisfied" if hours <= 6 else "basic" if hours <= 8 else None
            if rating:
                actions.case_rate(actor=world.li, case=fresh(case), rating=rating)
    with clocks.frozen_at(at(OPEN) + dt.timedelta(hours=1)):
        actions.case_solve(actor=world.sun, case=fresh(reopened), note="好了")
        actions.case_rate(
            actor=world.li, case=fresh(reopened), rating="dissatisfied", comment="没修好"
        )


def test_the_rates_and_times_are_exact(world, parties):
    known_cases(world, parties)
    result = stats.statistics(
        world.wang,
        group="party",
        since=dt.date(2026, 9, 1),
        until=dt.date(2026, 9, 30),
        now=NOW,
    )
    total = result.total
    assert (total.opened, total.respond_due, total.responded_on_time) == (12, 12, 11)
    assert total.response_rate == "91.7"
    assert (total.solve_due, total.solved_on_time) == (12, 10) and total.on_time_rate == "83.3"
    assert (total.rated, total.satisfied) == (9, 8) and total.satisfaction_rate == "88.9"
    assert (total.ever_solved, total.reopened) == (11, 1) and total.reopen_rate == "9.1"
    assert total.average_solve == 19800 and total.p90 == 9 * 3600
    assert total.overdue == 2
    by_party = {r.label: r for r in result.rows}
    assert set(by_party) == {"五福苑物业服务中心", "锦江自来水沙河营业所"}
    assert by_party["五福苑物业服务中心"].p90 == 9 * 3600
    assert by_party["锦江自来水沙河营业所"].p90 is None
    assert by_party["锦江自来水沙河营业所"].response_rate == "0.0"


def test_the_90th_percentile_is_the_nearest_rank(world, parties):
    # 1…10 hours: ceil(0.9 × 10) = 9th value; one case more: ceil(9.9) = 10th value
    known_cases(world, parties)
    qs = stats.period_cases(world.wang, since=dt.date(2026, 9, 1), until=dt.date(2026, 9, 30))
    assert stats.percentile_90(qs, None) == {None: 9 * 3600}
    with clocks.frozen_at(at(OPEN)):
        extra = open_case(world, code="house.roof", party=parties.property)
        actions.case_accept(actor=world.sun, case=extra)
    with clocks.frozen_at(at(OPEN) + dt.timedelta(hours=20)):
        actions.case_solve(actor=world.sun, case=fresh(extra), note="好了")
    assert stats.percentile_90(qs, None) == {None: 10 * 3600}
    assert stats.percentile_90(qs, "party_id") == {parties.property.pk: 10 * 3600}


def test_the_api_page_and_export_say_the_same(world, parties, login):
    known_cases(world, parties)
    with clocks.frozen_at(NOW):
        status, answer = get(
            login(world.wang), "/cases/statistics", {**PERIOD, "group": "category"}
        )
        page = login(world.wang).get("/cases/stats/", {**PERIOD, "period": "custom"})
        export = login(world.wang).get("/cases/stats.xlsx", {**PERIOD, "period": "custom"})
    assert status == 200 and answer["total"]["response_rate"] == "91.7"
    assert (
        answer["total"]["p90_solve_seconds"] == 32400
        and answer["rows"][0]["label"] == "房屋本体 · 屋面漏水"
    )
    html = page.content.decode()
    assert page.status_code == 200 and "91.7%" in html and "83.3%" in html and "<svg" in html
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content), read_only=True)
    assert book.sheetnames == ["合计", "按责任方", "按分类", "按社区", "按街道", "逾期工单"]
    total = list(book["合计"].iter_rows(values_only=True))[4]
    assert total[1] == 12 and abs(total[4] - 0.917) < 1e-9
    overdue = list(book["逾期工单"].iter_rows(values_only=True))[4:]
    assert len(overdue) == 2 and all(row[0].startswith("GD-") for row in overdue)


def test_statistics_are_the_supervisors_alone(world, parties, login):
    assert login(parties.shui).get("/cases/stats/").status_code == 404
    assert login(world.liu).get("/cases/stats.xlsx").status_code == 404
    status, answer = get(login(world.qian), "/cases/statistics", PERIOD)
    assert status == 200 and answer["total"]["opened"] == 0

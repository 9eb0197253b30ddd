"""Given reveals of a resident's numbers, the staff who may reveal and the resident herself see
who looked and when; nobody else sees the log."""

import re

from django.urls import reverse

from laoyuan.registry import actions


def _log_rows(html: str) -> list[str]:
    section = html.split('id="reveal-log-', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"\s+", " ", row) for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)][1:]


def test_staff_see_who_revealed(world, login):
    actions.resident_reveal(actor=world.zhang, resident=world.liu_guilan, field="phone")
    actions.resident_reveal(actor=world.li, resident=world.liu_guilan, field="id_number")
    html = login(world.li).get(reverse("registry:resident", args=[world.liu_guilan.pk])).content
    rows = _log_rows(html.decode())
    assert len(rows) == 2
    assert "李社工" in rows[0] and "身份证号" in rows[0]  # newest first
    assert "张网格" in rows[1] and "联系电话" in rows[1]


def test_roles_that_cannot_reveal_do_not_see_the_log(world, login):
    actions.resident_reveal(actor=world.li, resident=world.liu_guilan, field="phone")
    html = login(world.chen).get(reverse("registry:resident", args=[world.liu_guilan.pk]))
    assert html.status_code == 200
    assert 'id="reveal-log-' not in html.content.decode()


def test_a_resident_sees_who_looked_at_her_numbers(world, login):
    client = login(world.liu)
    assert "还没有人查看过完整号码" in client.get(reverse("registry:portal")).content.decode()
    actions.resident_reveal(actor=world.li, resident=world.liu_guilan, field="phone")
    actions.resident_reveal(actor=world.liu, resident=world.liu_guilan, field="id_number")
    rows = _log_rows(client.get(reverse("registry:portal")).content.decode())
    assert len(rows) == 2
    assert "本人" in rows[0] and "李社工" in rows[1]


def test_the_log_keeps_the_last_twenty(world, login):
    for _ in range(25):
        actions.resident_reveal(actor=world.li, resident=world.liu_guilan, field="phone")
    html = login(world.li).get(reverse("registry:resident", args=[world.liu_guilan.pk])).content
    assert len(_log_rows(html.decode())) == 20

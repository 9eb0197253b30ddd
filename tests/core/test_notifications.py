"""Notifications pages (站内通知): every signed-in user reads her own, opens one (marked read,
its link followed) or marks all read; anyone else's answers 404. The unread count in the page
context is counted only when a page uses it."""

from __future__ import annotations

import re

from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laoyuan.core.context_processors import workspace
from laoyuan.core.models import Notification
from laoyuan.core.notify import notify

LIST = reverse("core:notifications")


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _tell(user, n=1, url="/portal/voices/"):
    for i in range(n):
        notify([user], title=f"您反映的“路灯{i}”已有决定", body="物业三日内更换", url=url)


def test_she_reads_her_own_notifications_unread_marked(world, login):
    _tell(world.liu, 2)
    _tell(world.li)  # someone else's
    Notification.objects.filter(user=world.liu, title__contains="路灯0").update(
        read_at="2024-01-01T00:00:00Z"
    )
    html = _text(login(world.liu).get(LIST))
    assert "<h1>我的通知</h1>" in html
    assert html.count("路灯") == 2 and html.count('class="unread-mark">未读') == 1
    assert "物业三日内更换" in html and "全部标为已读" in html


def test_opening_one_marks_it_read_and_follows_its_link(world, login):
    _tell(world.liu, url="/portal/voices/")
    note = Notification.objects.get(user=world.liu)
    url = reverse("core:notification_read", args=[note.pk])
    client = login(world.liu)
    response = client.post(url, {"open": "1"})
    assert response.status_code == 302 and response.url == "/portal/voices/"
    note.refresh_from_db()
    first = note.read_at
    assert first is not None
    # opening it again keeps the first reading
    client.post(url)
    note.refresh_from_db()
    assert note.read_at == first
    assert client.get(url).status_code == 405


def test_a_link_to_another_site_is_never_followed(world, login):
    _tell(world.liu, url="//evil.example/x")
    note = Notification.objects.get(user=world.liu)
    client = login(world.liu)
    assert "evil.example" not in client.get(LIST).content.decode()
    response = client.post(reverse("core:notification_read", args=[note.pk]), {"open": "1"})
    assert response.url == LIST


def test_someone_elses_notification_is_404(world, login):
    _tell(world.li)
    note = Notification.objects.get(user=world.li)
    url = reverse("core:notification_read", args=[note.pk])
    for who in ("liu", "qian", "zhang"):
        assert login(world.users[who]).post(url).status_code == 404, who
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_mine(world, login):
    _tell(world.liu, 3)
    _tell(world.li, 2)
    response = login(world.liu).post(reverse("core:notifications_read_all"))
    assert response.url == LIST
    assert not Notification.objects.filter(user=world.liu, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.li, read_at__isnull=True).count() == 2
    assert "全部标为已读" not in _text(login(world.liu).get(LIST))


def test_staff_have_notifications_too(world, login):
    _tell(world.li)
    assert "路灯0" in _text(login(world.li).get(LIST))


def test_anonymous_visitors_sign_in_first(db, client):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_the_list_is_paginated_and_runs_a_fixed_number_of_queries(world, login):
    client = login(world.liu)
    _tell(world.liu, 3)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    _tell(world.liu, 40)
    with CaptureQueriesContext(connection) as many:
        html = _text(client.get(LIST))
    assert len(few) == len(many)
    assert "第 1 页，共 3 页" in html and "共 43 条" in html


def test_the_unread_count_is_lazy(world):
    _tell(world.liu, 2)
    request = RequestFactory().get("/")
    request.user = world.liu
    context = workspace(request)
    # building the context counts nothing
    with CaptureQueriesContext(connection) as built:
        context = workspace(request)
    assert not any("notification" in q["sql"] for q in built.captured_queries)
    # a page that shows it counts once
    with CaptureQueriesContext(connection) as shown:
        out = Template("{% if unread_notifications %}{{ unread_notifications }}{% endif %}")
        assert out.render(Context(context)) == "2"
    assert sum("notification" in q["sql"] for q in shown.captured_queries) == 1

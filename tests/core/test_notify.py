"""Notifications: in-app rows always; e-mail only when a mail server is configured, after the
commit, once per notification."""

from django.core import mail

from laoyuan.core.models import Notification
from laoyuan.core.notify import notify, send_notification_emails


def test_in_app_only_without_mail_server(world, settings, django_capture_on_commit_callbacks):
    settings.LAOYUAN_EMAIL_NOTIFICATIONS = False
    with django_capture_on_commit_callbacks(execute=True):
        n = notify([world.liu, world.liu, world.li], title="议题已有决定", body="物业三日内维修")
    assert n == 2
    assert Notification.objects.filter(user=world.liu).count() == 1
    assert mail.outbox == []


def test_emailed_after_commit_when_configured(world, settings, django_capture_on_commit_callbacks):
    settings.LAOYUAN_EMAIL_NOTIFICATIONS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.liu.email = "liu@example.cn"
    world.liu.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.liu, world.li], title="议题已有决定", body="物业三日内维修", url="/portal/")
    # li has no address: only liu is mailed, with the body and the link
    assert [m.to for m in mail.outbox] == [["liu@example.cn"]]
    assert "物业三日内维修" in mail.outbox[0].body and "/portal/" in mail.outbox[0].body
    note = Notification.objects.get(user=world.liu)
    assert note.emailed_at is not None
    # a second run of the task sends nothing twice
    send_notification_emails.call([note.pk])
    assert len(mail.outbox) == 1

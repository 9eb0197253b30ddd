"""Notifications (通知): in-app always, by e-mail too when e-mail is configured.

`notify` writes the in-app rows inside the caller's transaction; the e-mails are sent by a
background task after the commit, so a slow mail server never holds up a request and a rolled
back action sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from laoyuan.core.models import Notification, User


def notify(users: Iterable[User], *, title: str, body: str = "", url: str = "") -> int:
    """Tell each user (once, however often listed). Returns how many were told."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, title=title[:200], body=body, url=url[:300]))
    created = Notification.objects.bulk_create(rows)
    if getattr(settings, "LAOYUAN_EMAIL_NOTIFICATIONS", False):
        ids = [n.pk for n in created if n.pk]
        if ids:
            transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return len(rows)


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail the notifications whose users have an address; mark each one sent."""
    sent = 0
    for note in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user"):
        if not note.user.email:
            continue
        link = f"{settings.LAOYUAN_SITE_URL.rstrip('/')}{note.url}" if note.url else ""
        send_mail(
            subject=f"[老院] {note.title}",
            message="\n\n".join(p for p in (note.body, link) if p),
            from_email=None,
            recipient_list=[note.user.email],
        )
        note.emailed_at = timezone.now()
        note.save(update_fields=["emailed_at"])
        sent += 1
    return sent


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user: User):
    """A user's own notifications, newest first (nobody sees anyone else's)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


# Marking one's own notifications read changes nothing anyone else sees, so it is not audited.
@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (the first reading is kept)."""
    if notification.user_id != actor.pk:
        raise PermissionDenied("notification.read")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all the actor's unread notifications read; returns how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )

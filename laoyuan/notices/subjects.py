"""What a notice publishes (公示对象): any object of any app, linked when the viewer may see it.

A notice keeps its subject as a generic relation (content type + id) and the subject's name at
the time. How to link a kind of subject is registered here by the app that owns it: the page
staff open (and the permission it needs), and optionally the page a resident opens. Topics and
meetings are registered by this app; votes, projects and account statements register
themselves in their own app's `ready()`:

    from laoyuan.notices import subjects
    subjects.register("decisions.vote", subjects.SubjectKind(
        label=_("表决"), staff_url="decisions:vote", staff_permission="votes.view"))

The API accepts a subject only of a registered kind ("voices.topic", id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laoyuan.core.models import User
from laoyuan.core.scopes import visible


@dataclass(frozen=True)
class SubjectKind:
    label: str | Promise
    staff_url: str  # a URL name taking the object's pk
    staff_permission: str  # what staff must hold on the object to open that page
    portal_url: str = ""
    portal_permission: str = ""
    # Which of these objects a resident may open on her portal, when that is not her place's
    # scope under `portal_permission` (a vote is hers when she is on its roll, not by place).
    portal_objects: Callable[[User], models.QuerySet] | None = None


@dataclass(frozen=True)
class SubjectLink:
    kind_label: str
    label: str
    url: str  # "" when the viewer may not open it


_KINDS: dict[str, SubjectKind] = {}


def register(model_label: str, kind: SubjectKind) -> None:
    """Say how subjects of `model_label` ("app_label.modelname") are linked."""
    _KINDS[model_label.lower()] = kind


def registered() -> dict[str, SubjectKind]:
    return dict(_KINDS)


def register_builtin() -> None:
    register(
        "voices.topic",
        SubjectKind(
            label=gettext_lazy("议题"),
            staff_url="voices:topic",
            staff_permission="voices.view",
            portal_url="voices:portal_topic",
            portal_permission="portal.voice",
        ),
    )
    register(
        "decisions.meeting",
        SubjectKind(
            label=gettext_lazy("会议"),
            staff_url="decisions:meeting",
            staff_permission="voices.view",
            portal_url="decisions:portal_meeting",
            portal_permission="portal.meetings",
        ),
    )


def key_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def label_of(obj: models.Model) -> str:
    return str(obj)[:200]


def check_visible(user: User, obj: models.Model) -> None:
    """A registered subject must be one the publishing user may see herself."""
    kind = _KINDS.get(key_of(obj))
    if kind is None:
        return
    if not visible(user, type(obj), kind.staff_permission).filter(pk=obj.pk).exists():
        raise ValidationError({"subject": _("未找到所选的公示对象，或您无权查看它。")})


def resolve(user: User, type_key: str, pk: int) -> models.Model:
    """The subject named by an API call ("voices.topic", 12), if registered and visible to the
    user; else a ValidationError naming the field."""
    kind = _KINDS.get((type_key or "").lower())
    if kind is None:
        raise ValidationError(
            {
                "subject": _("不认识的公示对象类型“{type}”，可选：{known}").format(
                    type=type_key, known="、".join(sorted(_KINDS))
                )
            }
        )
    model = apps.get_model(type_key)
    found = visible(user, model, kind.staff_permission).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"subject": _("未找到所选的公示对象，或您无权查看它。")})
    return found


def link(notice, user: User | None, *, portal: bool = False) -> SubjectLink | None:
    """The notice's subject as this viewer may see it: its name, and a link when she may open
    it (one query; none when the notice has no subject)."""
    if notice.subject_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(notice.subject_type_id)
    key = f"{content_type.app_label}.{content_type.model}"
    kind = _KINDS.get(key)
    kind_label = str(kind.label) if kind else str(content_type.name)
    url = ""
    if kind is not None and user is not None and user.is_authenticated:
        model = content_type.model_class()
        url_name, permission = (
            (kind.portal_url, kind.portal_permission)
            if portal
            else (kind.staff_url, kind.staff_permission)
        )
        if portal and kind.portal_objects is not None:
            reachable = kind.portal_objects(user) if url_name else None
        else:
            reachable = visible(user, model, permission) if model is not None else None
        if reachable is not None and url_name and reachable.filter(pk=notice.subject_id).exists():
            url = reverse(url_name, args=[notice.subject_id])
    return SubjectLink(kind_label=kind_label, label=notice.subject_label, url=url)

"""What the renewal pages share: breadcrumbs, running an action for a form, the compounds a
user works on, and answering with a file."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from laoyuan.core.models import User
from laoyuan.core.scopes import has_permission
from laoyuan.registry.models import Compound
from laoyuan.registry.views.furniture import MAX_OPTIONS, Crumb
from laoyuan.renewal.models import Project
from laoyuan.voices.places import voice_compound_or_404, voice_compounds

T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attempt(form, call: Callable[[], T]) -> T | None:
    """Run an action for a form: its Chinese errors go next to the fields (and None comes
    back); a refusal of permission answers 404, as for anything out of scope."""
    try:
        return call()
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        form.add_action_errors(exc)
        return None


def compounds_of(user: User, permission: str = "renewal.view") -> list[tuple[int, str]]:
    """(id, name) of the compounds the user works on for renewal, for a filter menu."""
    return list(
        voice_compounds(user, permission)
        .order_by("name", "pk")
        .values_list("pk", "name")[:MAX_OPTIONS]
    )


def compound_or_404(user: User, pk: int, permission: str = "renewal.view") -> Compound:
    """A compound the user works on for renewal (compound-wide, like topics), else 404."""
    return voice_compound_or_404(user, pk, permission)


def may(user: User, permission: str, obj=None) -> bool:
    return has_permission(user, permission, obj)


def require_view(user: User) -> None:
    if not has_permission(user, "renewal.view"):
        raise Http404


def base_crumbs() -> list[Crumb]:
    return [
        Crumb(_("工作台"), reverse("registry:workspace")),
        Crumb(_("改造项目"), reverse("renewal:projects")),
    ]


def compound_crumbs(compound: Compound, here: str = "") -> list[Crumb]:
    crumbs = [
        *base_crumbs(),
        Crumb(compound.name, reverse("renewal:compound", args=[compound.pk]) if here else ""),
    ]
    if here:
        crumbs.append(Crumb(here))
    return crumbs


def project_crumbs(project: Project, here: str = "") -> list[Crumb]:
    crumbs = [
        *base_crumbs(),
        Crumb(project.compound.name, reverse("renewal:compound", args=[project.compound_id])),
        Crumb(project.title, reverse("renewal:project", args=[project.pk]) if here else ""),
    ]
    if here:
        crumbs.append(Crumb(here))
    return crumbs


def file_response(data: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download named `filename` (Chinese names allowed, RFC 6266)."""
    response = HttpResponse(data, content_type=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

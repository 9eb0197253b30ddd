"""The compound's public page (小区公开页): what anyone may read about a compound without an
account — today its public notices; later the renovation projects and the open accounts.

The page is a list of sections. Each app adds its own with `register_section` (in its
AppConfig.ready()): a template and a function that gives the template its context for the
compound (or None to leave the section out). A section reads a fixed number of queries whatever
the data (paginate long lists) and shows no personal data; its tests prove both.

    from laoyuan.notices.public_page import Section, register_section
    register_section(Section(key="projects", order=20,
                             template="renewal/public/_projects.html", context=projects_of))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from laoyuan.registry.models import Compound


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: Callable[[HttpRequest, Compound], dict | None]
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add (or replace, by key) a section of the compound's public page."""
    _SECTIONS[section.key] = section


def sections_for(request: HttpRequest, compound: Compound) -> list[tuple[Section, dict]]:
    """The sections to show, in order, each with its context."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, compound)
        if context is not None:
            shown.append((section, context))
    return shown

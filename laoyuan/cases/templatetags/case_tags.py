"""Template filters of the case pages: working time as people say it."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from laoyuan.core.workdays import DAY

register = template.Library()


@register.filter
def worktime(seconds) -> str:
    """Working time: "2个工作日3小时", "3小时20分", "45分钟" (a working day counts whole)."""
    if seconds is None or seconds == "":
        return "—"
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, DAY)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    # Chinese writes the parts together ("2个工作日3小时"); English needs a space between them.
    sep = "" if (get_language() or "zh").startswith("zh") else " "
    if days:
        text = _("%(n)d个工作日") % {"n": days}
        return text + (sep + _("%(n)d小时") % {"n": hours} if hours else "")
    if hours:
        text = _("%(n)d小时") % {"n": hours}
        return text + (sep + _("%(n)d分") % {"n": minutes} if minutes else "")
    return _("%(n)d分钟") % {"n": max(minutes, 1 if seconds else 0)}

"""The notice on paper (公示打印): an A4 PDF for the bulletin board (公告栏) with the title, the
body, the period, the place, the attachments listed, how to object, and a QR code (二维码)
linking to the notice's public page, its address printed beside it for those who type it."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from laoyuan.core import pdf
from laoyuan.notices import periods, queries
from laoyuan.notices.models import Notice, NoticeState


def public_url(notice: Notice) -> str:
    """The absolute address of the notice's public page (the QR code's target)."""
    return settings.LAOYUAN_SITE_URL.rstrip("/") + reverse(
        "notices:public_notice", args=[notice.pk]
    )


def print_context(notice: Notice) -> dict:
    url = public_url(notice)
    return {
        "notice": notice,
        "draft": notice.state == NoticeState.DRAFT,
        "withdrawn": notice.state == NoticeState.WITHDRAWN,
        "period_text": periods.describe(notice.period_days, notice.working_days),
        "attachments": list(queries.notice_attachments(notice)),
        "public_url": url,
        "qr": pdf.qr_svg(url, scale=4),
        "printed_on": timezone.localdate(),
    }


def notice_pdf(notice: Notice) -> bytes:
    return pdf.render_pdf("notices/print/notice.html", print_context(notice))


def pdf_filename(notice: Notice) -> str:
    prefix = _("草稿") + "-" if notice.state == NoticeState.DRAFT else ""
    return f"{prefix}{_('公示')}-{notice.pk}-{notice.title[:40]}.pdf"

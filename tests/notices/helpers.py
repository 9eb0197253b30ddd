"""Shared by the notice tests (no tests here): the given-steps that put notices, attachments and
objections into the world through the actions, and files that are (or pretend to be) PDFs,
pictures and Office documents."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from laoyuan.notices import actions
from laoyuan.notices.models import Notice, NoticeKind

PLAN_BODY = "五福苑老旧小区改造实施方案：雨污分流、屋面防水、外立面整治、增设电动自行车充电棚。"


def today() -> dt.date:
    return timezone.localdate()


def pdf_bytes(text: str = "plan") -> bytes:
    """A small but real PDF (one empty page)."""
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_file(name: str = "改造方案.pdf", text: str = "plan") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def png_bytes(size: tuple[int, int] = (40, 30), exif: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif:
        data = image.getexif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {1: "N", 2: (30.0, 40.0, 0.0)}  # GPS IFD
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def image_file(name: str = "效果图.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def office_bytes(kind: str = "xlsx", *, macro: bool = False) -> bytes:
    """A minimal Office Open XML package of the kind (enough for the content check)."""
    out = io.BytesIO()
    main = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        if kind == "xlsx"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    )
    if macro:
        main = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    part = "xl/workbook.xml" if kind == "xlsx" else "word/document.xml"
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/{part}" ContentType="{main}"/></Types>',
        )
        archive.writestr(part, "<x/>")
        if macro:
            archive.writestr("xl/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def office_file(name: str, kind: str = "xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, office_bytes(kind, **kwargs))


def draft(world, *, who="li", place=None, title="五福苑改造方案公示", days=5, **kwargs) -> Notice:
    """A draft notice of 五福苑 (unless told), starting today, written by li."""
    fields = {
        "kind": NoticeKind.PLAN,
        "body": PLAN_BODY,
        "starts_on": today(),
        "period_days": days,
        "working_days": True,
    } | kwargs
    return actions.notice_create_draft(
        actor=world.users[who], place=place or world.wufuyuan, title=title, **fields
    )


def published(world, *, who="li", **kwargs) -> Notice:
    """A notice of 五福苑 (unless told) published today by li, open for objections now (a
    calendar-day period: it is open today whatever day of the week the test runs)."""
    notice = draft(world, who=who, **({"working_days": False} | kwargs))
    return actions.notice_publish_draft(actor=world.users[who], notice=notice)


def paper_objection(world, notice, *, who="li", text="充电棚离3栋窗户太近", **kwargs):
    fields = {"objector_name": "王大爷", "phone": "13911112222"} | kwargs
    return actions.objection_record_paper(
        actor=world.users[who], notice=notice, text=text, **fields
    )


def end_period(notice: Notice, *, days_ago: int = 1) -> Notice:
    """Time passes: the notice's period ended `days_ago` days ago (its dates moved back)."""
    length = (notice.ends_on - notice.starts_on).days
    ends = today() - dt.timedelta(days=days_ago)
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=ends - dt.timedelta(days=length), ends_on=ends
    )
    notice.refresh_from_db()
    return notice

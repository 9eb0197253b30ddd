"""Given a draft, when staff attach documents, then each file's kind is read from its content
(PDF, picture, .xlsx, .docx) and its name must agree; pictures are re-encoded without EXIF;
macros, broken, disguised, too many or too large files are refused in Chinese and nothing is
stored; a published notice keeps its attachments as posted."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from laoyuan.core import pii
from laoyuan.notices import actions
from laoyuan.notices.models import NoticeAttachment
from tests.notices.helpers import (
    draft,
    image_file,
    office_bytes,
    office_file,
    pdf_bytes,
    pdf_file,
    png_bytes,
)


def attach(world, notice, *files):
    return actions.notice_attach(actor=world.li, notice=notice, attachments=list(files))


def refused(world, notice, *files) -> str:
    with pytest.raises(ValidationError) as caught:
        attach(world, notice, *files)
    assert not NoticeAttachment.objects.exists()
    return caught.value.message_dict["attachments"][0]


def test_pdf_picture_workbook_and_document_are_accepted(world):
    notice = draft(world)
    stored = attach(
        world,
        notice,
        pdf_file("改造方案.pdf"),
        image_file("效果图.png"),
        office_file("预算表.xlsx", "xlsx"),
        office_file("说明.docx", "docx"),
    )
    assert [(a.name, a.kind) for a in stored] == [
        ("改造方案.pdf", "pdf"),
        ("效果图.png", "image"),
        ("预算表.xlsx", "xlsx"),
        ("说明.docx", "docx"),
    ]
    assert [a.position for a in stored] == [1, 2, 3, 4]
    # stored sealed: the bytes on disk are not the PDF, reading through the storage gives it
    pdf = stored[0]
    with open(pdf.file.path, "rb") as raw:
        assert not raw.read().startswith(b"%PDF")
    with pdf.file.open("rb") as fh:
        assert fh.read() == pdf_bytes()


def test_a_photo_is_re_encoded_without_its_exif(world):
    notice = draft(world)
    photo = SimpleUploadedFile("现场.jpg", png_bytes(size=(64, 48), exif=True))
    assert Image.open(io.BytesIO(png_bytes(exif=True))).getexif()  # the upload carries EXIF
    (stored,) = attach(world, notice, photo)
    with stored.file.open("rb") as fh:
        image = Image.open(io.BytesIO(fh.read()))
    assert (image.format, stored.width, stored.height) == ("JPEG", 64, 48)
    assert not image.getexif()
    assert stored.name == "现场.jpg"


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("方案.pdf", png_bytes()), "内容却是图片"),
        (SimpleUploadedFile("效果图.png", pdf_bytes()), "内容却是PDF 文件"),
        (SimpleUploadedFile("预算.docx", office_bytes("xlsx")), "内容却是Excel 表格"),
        (SimpleUploadedFile("方案.pdf", b"<html>not a pdf</html>"), "不是可接受的文件"),
        (SimpleUploadedFile("说明.txt", "纯文本".encode()), "不是可接受的文件"),
        (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" + b"\x00" * 64), "不是可接受的文件"),
        (SimpleUploadedFile("宏.xlsx", office_bytes("xlsx", macro=True)), "含有宏"),
        (SimpleUploadedFile("坏.xlsx", b"PK\x03\x04broken zip"), "已损坏"),
        (SimpleUploadedFile("空.pdf", b""), "空文件"),
        (SimpleUploadedFile("截断.pdf", pdf_bytes()[:60]), "不是可接受的文件"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(world, upload, words):
    assert words in refused(world, draft(world), upload)


def test_too_many_attachments_are_refused(world, settings):
    settings.LAOYUAN_NOTICE_MAX_ATTACHMENTS = 2
    notice = draft(world)
    attach(world, notice, pdf_file("一.pdf"))
    with pytest.raises(ValidationError) as caught:
        attach(world, notice, pdf_file("二.pdf"), pdf_file("三.pdf"))
    assert "附件最多2个：已有1个，又选了2个" in caught.value.messages[0]
    assert NoticeAttachment.objects.count() == 1


def test_a_file_too_large_is_refused(world, settings):
    settings.LAOYUAN_NOTICE_ATTACHMENT_MAX_BYTES = 100
    assert "太大" in refused(world, draft(world), pdf_file())


def test_one_bad_file_among_good_ones_stores_none_of_them(world):
    message = refused(
        world, draft(world), pdf_file("好.pdf"), SimpleUploadedFile("坏.pdf", b"junk")
    )
    assert "坏.pdf" in message


def test_a_name_with_folders_or_a_phone_is_cleaned(world):
    (stored,) = attach(world, draft(world), pdf_file("../../etc/联系13812345678.pdf"))
    assert stored.name == "联系[电话].pdf"
    assert "13812345678" not in stored.file.name


def test_attachments_come_with_the_draft_and_go_only_from_a_draft(world):
    notice = draft(world, working_days=False, attachments=[pdf_file()])
    (attachment,) = notice.attachments.all()
    actions.notice_detach(actor=world.li, attachment=attachment)
    assert not notice.attachments.exists()
    attach(world, notice, pdf_file())
    actions.notice_publish_draft(actor=world.li, notice=notice)
    kept = notice.attachments.get()
    with pytest.raises(ValidationError):
        actions.notice_detach(actor=world.li, attachment=kept)
    with pytest.raises(ValidationError):
        attach(world, notice, pdf_file("补充.pdf"))
    assert notice.attachments.count() == 1


def test_the_sealed_file_holds_no_clear_text(world):
    (stored,) = attach(world, draft(world), pdf_file(text="phone 13812345678"))
    with open(stored.file.path, "rb") as raw:
        sealed = raw.read()
    assert b"13812345678" not in sealed
    assert b"13812345678" in pii.decrypt_bytes(sealed)

"""Given a notice, when it is printed for the bulletin board, then the A4 PDF carries its title,
period, place, attachments and how to object, and a QR code for its public page with that
address printed (and linked) beside it; a draft is marked as not for posting."""

from django.template.loader import render_to_string
from django.urls import reverse

from laoyuan.core import pdf
from laoyuan.notices import printing
from tests.notices.helpers import draft, pdf_file, published
from tests.notices.pdf_links import pdf_uris


def test_the_printed_notice_has_everything_for_the_board(world, settings):
    settings.LAOYUAN_SITE_URL = "https://laoyuan.example.cn/"
    notice = published(
        world,
        title="五福苑充电棚建设方案公示",
        attachments=[pdf_file("充电棚平面图.pdf")],
        objection_contact="五福苑党群服务站（1栋旁）",
    )
    url = f"https://laoyuan.example.cn/public/notices/{notice.pk}/"
    assert printing.public_url(notice) == url
    html = render_to_string("notices/print/notice.html", printing.print_context(notice))
    # the QR code is the one for that address, and the address is printed beside it
    qr_block = html.split('<div class="qr">', 1)[1].split("</div></div>", 1)[0]
    assert str(pdf.qr_svg(url, scale=4)) in qr_block and url in qr_block
    for words in (
        "五福苑充电棚建设方案公示",
        notice.starts_on.strftime("%Y年%-m月%-d日"),
        "五福苑",
        "充电棚平面图.pdf",
        "如何提出异议",
        "五福苑党群服务站（1栋旁）",
        "沙河社区居民委员会",
    ):
        assert words in html, words
    assert "草稿" not in html


def test_the_pdf_is_a4_and_links_its_public_page(world, login, settings):
    settings.LAOYUAN_SITE_URL = "https://laoyuan.example.cn"
    notice = published(world)
    response = login(world.li).get(reverse("notices:print", args=[notice.pk]))
    document = response.content
    assert response["Content-Type"] == "application/pdf" and document.startswith(b"%PDF-")
    assert f"https://laoyuan.example.cn/public/notices/{notice.pk}/" in pdf_uris(document)


def test_a_draft_prints_marked_not_for_posting(world):
    notice = draft(world)
    html = render_to_string("notices/print/notice.html", printing.print_context(notice))
    assert "草稿：尚未发布，仅供审阅，请勿张贴" in html
    assert printing.pdf_filename(notice).startswith("草稿-公示-")

"""Printable documents: a Chinese A4 PDF with its fonts embedded, an inline QR code, and a
printer that never fetches anything."""

from __future__ import annotations

import pytest
from django.template import engines

from laoyuan.core import pdf


def test_a_chinese_document_prints_as_a4_with_a_cjk_font(settings, tmp_path):
    # given a template extending the print base, with Chinese text and a QR code
    template = tmp_path / "doc.html"
    template.write_text(
        '{% extends "core/print_base.html" %}{% block body %}<h1>公示</h1>'
        '<div class="qr">{{ qr }}</div><p>五福苑加装电梯表决结果</p>{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    engines._engines = {}  # the template engines read the new directory
    try:
        document = pdf.render_pdf(
            "doc.html", {"qr": pdf.qr_svg("https://example.org/n/1")}, uncompressed_pdf=True
        )
    finally:
        engines._engines = {}
    # then it is a PDF of one A4 page with a Noto CJK font embedded
    assert document.startswith(b"%PDF-")
    assert b"NotoSansCJK" in document or b"NotoSerifCJK" in document
    assert b"/MediaBox [0 0 595" in document


def test_the_printer_fetches_nothing():
    with pytest.raises(pdf.FetchRefused):
        pdf._no_fetching("file:///etc/passwd")
    with pytest.raises(pdf.FetchRefused):
        pdf._no_fetching("http://169.254.169.254/latest/meta-data/")


def test_a_qr_code_is_an_inline_svg():
    svg = pdf.qr_svg("https://example.org/notices/7")
    assert svg.startswith("<svg") and "</svg>" in svg


def test_a_pdf_answer_names_its_file_in_chinese():
    response = pdf.pdf_response(b"%PDF-1.7", "表决结果.pdf", download=True)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename=".pdf"')
    assert "filename*=UTF-8''%E8%A1%A8" in response["Content-Disposition"]

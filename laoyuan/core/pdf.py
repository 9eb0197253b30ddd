"""Printable documents: A4 PDFs for the bulletin board (公告栏) and the archive, drawn by
WeasyPrint from a template, and QR codes (二维码) that link a paper to its page online.

Templates extend `core/print_base.html`, which sets the page, the Chinese fonts (Noto CJK from
the system: `make demo` and `make test` install them) and the page numbers. Nothing is fetched
while printing: the fetcher refuses every URL except inline `data:` ones, so a document can
never reach out to the network or the file system, whatever text it holds.
"""

from __future__ import annotations

from urllib.parse import quote

import segno
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


class FetchRefused(ValueError):
    pass


def _no_fetching(url: str, *args, **kwargs):
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise FetchRefused(f"printing does not fetch {url[:80]!r}")


def render_pdf(template_name: str, context: dict, *, request=None, **options) -> bytes:
    """The template rendered as an A4 PDF (bytes); `options` go to WeasyPrint's write_pdf."""
    from weasyprint import HTML  # imported on first print: it loads Pango

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=_no_fetching, base_url=".").write_pdf(**options)


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """An HTTP answer carrying the PDF, named `filename` (Chinese names allowed, RFC 6266)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode() or "document.pdf"
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def qr_svg(url: str, *, scale: int = 4) -> SafeString:
    """An inline SVG QR code for `url` (error correction M, with its quiet zone)."""
    svg = segno.make(url, error="m", micro=False).svg_inline(scale=scale, dark="#000")
    return mark_safe(svg)  # segno writes the SVG itself; the URL is encoded in modules, not text

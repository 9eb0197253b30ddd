"""Charts of the case statistics, drawn on the server as inline SVG (no JavaScript library):
rates per party, category or place as horizontal bars on a 0–100% scale. Like voices/charts.py
each chart is an `<svg role="img">` with a title and a description reading out its numbers, and
every label is escaped (party and category names are data)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from laoyuan.voices.charts import FONT, LABEL_WIDTH, MAX_LABEL_CHARS, ROW, VALUE_WIDTH, WIDTH


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def rate_chart(
    chart_id: str, labels: Sequence[str], rates: Sequence[str | None], *, title: str
) -> SafeString:
    """One bar per label, its length the rate (a percentage string such as "87.5"); "—" where
    nothing was due yet."""
    height = max(1, len(labels)) * (ROW + 6) + 30
    cid = escape(chart_id)
    desc = "；".join(
        f"{label} {rate + '%' if rate is not None else '—'}"
        for label, rate in zip(labels, rates, strict=True)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-rates" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" font-size="{FONT}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    for tick in (0, 50, 100):
        x = LABEL_WIDTH + plot * tick / 100
        parts.append(
            f'<line class="tick" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 22}"></line>'
            f'<text class="tick-label" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{tick}%</text>"
        )
    y = 4
    for label, rate in zip(labels, rates, strict=True):
        baseline = y + ROW / 2 + FONT / 3
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{baseline:.1f}" text-anchor="end">'
            f"{escape(_short(label))}</text>"
        )
        if rate is None:
            parts.append(f'<text class="value" x="{LABEL_WIDTH + 6}" y="{baseline:.1f}">—</text>')
        else:
            width = float(plot * Decimal(rate) / 100)
            parts.append(
                f'<rect class="ch-bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" '
                f'height="{ROW - 8}" rx="2"></rect>'
                f'<text class="value" x="{LABEL_WIDTH + width + 6:.1f}" y="{baseline:.1f}">'
                f"{escape(rate)}%</text>"
            )
        y += ROW + 6
    parts.append("</svg>")
    # Every piece above went through escape(): the markup is ours, the text is data.
    return mark_safe("\n".join(parts))

"""Charts drawn on the server as inline SVG (服务器端图表): no JavaScript library, no CDN.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`, so a
screen reader says what it shows; the same numbers are always in a table next to it. Every
label and number is escaped here: callers may pass residents' words (category names, topic
titles) without a second thought.

Sizes are in SVG user units with a viewBox, so a chart scales to its box (phone or desk) and
text stays in proportion; CSS in voices/funnel.css sets the colours by class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
FONT = 15
ROW = 34  # one bar's row height in a horizontal chart
LABEL_WIDTH = 190  # room for a label left of the bars (about 12 Chinese characters)
VALUE_WIDTH = 70  # room for a number right of the bars
MAX_LABEL_CHARS = 12


@dataclass(frozen=True)
class Step:
    """One step of a funnel (漏斗), or one bar: its label, its value, and a CSS class."""

    label: str
    value: int
    kind: str = ""  # "outcome" draws a step as one of the outcomes that share the last stage


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # a class of voices/funnel.css: "s1", "s2" …


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _number(value: int) -> str:
    return f"{int(value):,}"


def _open(chart_id: str, height: int, title: str, desc: str, css: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css)}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{cid}-title" aria-describedby="{cid}-desc" font-size="{FONT}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    # Every piece above went through escape(): the markup is ours, the text is data.
    return mark_safe("\n".join(parts))


def describe(steps: Sequence[Step]) -> str:
    """The chart's numbers as one sentence, for its <desc>."""
    return "；".join(f"{s.label} {_number(s.value)}" for s in steps)


def funnel_chart(chart_id: str, steps: Sequence[Step], *, title: str, desc: str = "") -> SafeString:
    """A funnel: the step's name on the left, then one bar per step centred on the plot, its
    width in proportion to the first (widest) step, the number just right of it. Outcome steps
    are drawn in a lighter colour: they are the parts of the last stage, not further narrowing.
    """
    top = max([s.value for s in steps] + [1])
    height = len(steps) * (ROW + 8) + 8
    parts = _open(chart_id, height, title, desc or describe(steps), "chart-funnel")
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    middle = LABEL_WIDTH + plot / 2
    y = 8
    for step in steps:
        width = max(2.0, plot * step.value / top)
        css = "ch-bar outcome" if step.kind == "outcome" else "ch-bar"
        baseline = y + ROW / 2 + FONT / 3
        parts.append(
            f'<g class="step"><text class="label" x="{LABEL_WIDTH - 8}" y="{baseline:.1f}" '
            f'text-anchor="end">{escape(_short(step.label))}</text>'
            f'<rect class="{css}" x="{middle - width / 2:.1f}" y="{y}" width="{width:.1f}" '
            f'height="{ROW}" rx="3"></rect>'
            f'<text class="value" x="{middle + width / 2 + 6:.1f}" y="{baseline:.1f}">'
            f"{escape(_number(step.value))}</text></g>"
        )
        y += ROW + 8
    return _close(parts)


def bar_chart(
    chart_id: str,
    labels: Sequence[str],
    values: Sequence[Sequence[int]],
    *,
    series: Sequence[Series],
    title: str,
    desc: str = "",
) -> SafeString:
    """Horizontal bars: one row per label, one bar per series in it (e.g. voices and topics
    per category), all on one scale; a legend when there is more than one series."""
    n = len(series)
    bar = (ROW - 6) / n
    legend = 28 if n > 1 else 0
    height = legend + max(1, len(labels)) * (ROW + 6) + 8
    top = max([v for row in values for v in row] + [1])
    if not desc:
        desc = "；".join(
            f"{label}："
            + "，".join(f"{s.name} {_number(v)}" for s, v in zip(series, row, strict=True))
            for label, row in zip(labels, values, strict=True)
        )
    parts = _open(chart_id, height, title, desc, "chart-bars")
    if n > 1:
        x = LABEL_WIDTH
        for s in series:
            parts.append(
                f'<rect class="ch-bar {escape(s.css)}" x="{x}" y="6" width="14" height="14"></rect>'
                f'<text x="{x + 20}" y="18">{escape(s.name)}</text>'
            )
            x += 20 + 16 * len(s.name) + 24
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    y = legend + 4
    if not labels:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{y + ROW / 2}" class="muted">—</text>')
    for label, row in zip(labels, values, strict=True):
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + ROW / 2 + FONT / 3:.1f}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
        )
        for i, (s, value) in enumerate(zip(series, row, strict=True)):
            width = max(1.0, plot * value / top) if value else 0.0
            by = y + 3 + i * bar
            parts.append(
                f'<rect class="ch-bar {escape(s.css)}" x="{LABEL_WIDTH}" y="{by:.1f}" '
                f'width="{width:.1f}" height="{bar - 1:.1f}" rx="2"></rect>'
                f'<text class="value" x="{LABEL_WIDTH + width + 6:.1f}" '
                f'y="{by + bar / 2 + FONT / 3 - 1:.1f}">{escape(_number(value))}</text>'
            )
        y += ROW + 6
    return _close(parts)

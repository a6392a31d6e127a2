"""Server-side SVG charts (pure: no database, no script, no chart library)."""

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 640, 180, 28


def trend_svg(points: Sequence[tuple[str, int | None]], *, title: str) -> SafeString:
    """A line chart of percentages (0-100) in order; ``None`` values are skipped.

    Every piece of text is escaped by ``format_html``. Returns an empty string when there is
    nothing to draw.
    """
    scored = [(i, label, value) for i, (label, value) in enumerate(points) if value is not None]
    if not scored:
        return SafeString("")
    steps = max(len(points) - 1, 1)

    def x(i: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * (i / steps if len(points) > 1 else 0.5)

    def y(value: int) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * max(0, min(value, 100)) / 100

    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, _label, v in scored)
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
        '<text x="4" y="{}" class="axis">{}%</text>',
        (
            (PAD, f"{y(v):.1f}", WIDTH - PAD, f"{y(v):.1f}", f"{y(v) + 4:.1f}", v)
            for v in (0, 50, 100)
        ),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="4" class="dot"><title>{}: {}%</title></circle>',
        ((f"{x(i):.1f}", f"{y(v):.1f}", label, v) for i, label, v in scored),
    )
    return format_html(
        '<svg class="trend" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}"
        '<polyline points="{}" class="line" fill="none"/>{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        title,
        grid,
        line,
        dots,
    )

"""The pure helpers: no database."""

from datetime import UTC, date, datetime, timedelta

from django.template.loader import render_to_string

from quizzes import charts, stats


def test_review_seconds_is_measured_and_capped():
    shown = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert stats.review_seconds(shown, shown + timedelta(seconds=42)) == 42
    assert stats.review_seconds(shown, shown + timedelta(hours=2)) == stats.MAX_REVIEW_SECONDS
    assert stats.review_seconds(shown, shown - timedelta(seconds=5)) == 0
    assert stats.review_seconds(None, shown) == 0


def test_streak_counts_consecutive_days_up_to_today_or_yesterday():
    today = date(2025, 3, 10)
    assert stats.streak([], today) == 0
    assert stats.streak([today], today) == 1
    days = [today - timedelta(days=n) for n in (1, 2, 3, 5)]
    # Today has no review yet: the streak of yesterday and the two days before still counts.
    assert stats.streak(days, today) == 3
    assert stats.streak([*days, today], today) == 4
    assert stats.streak([today - timedelta(days=2)], today) == 0


def test_percent():
    assert stats.percent(6, 8) == 75
    assert stats.percent(1, 3) == 33
    assert stats.percent(0, 0) is None


def test_heatmap_has_one_cell_per_day_in_week_columns():
    today = date(2025, 3, 12)  # a Wednesday
    counts = {today: 8, today - timedelta(days=1): 2, date(2024, 1, 1): 99}
    heat = charts.heatmap(counts, today=today, weeks=4)
    # Three full weeks plus Monday to Wednesday of this week.
    assert len(heat.cells) == 21 + 3
    first, last = heat.cells[0], heat.cells[-1]
    assert first.day == date(2025, 2, 17)
    assert first.day.weekday() == 0
    assert (first.x, first.y) == (charts.LABEL_WIDTH, charts.LABEL_HEIGHT)
    assert last.day == today
    assert (last.x, last.y) == (
        charts.LABEL_WIDTH + 3 * charts.CELL,
        charts.LABEL_HEIGHT + 2 * charts.CELL,
    )
    # Levels are relative to the busiest day shown (the 2024 day is outside the window).
    assert (last.count, last.level) == (8, 4)
    assert heat.cells[-2].level == 1
    assert heat.cells[0].level == 0
    assert heat.width == charts.LABEL_WIDTH + 4 * charts.CELL
    assert [month for _x, month in heat.months] == [date(2025, 3, 1)]


def test_heat_level_quarters():
    assert [charts.heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert charts.heat_level(3, 0) == 0


def test_bars_scale_to_the_largest_value_or_a_given_maximum():
    columns = charts.bars([("a", 2), ("b", 4), ("c", 0)], length=80, pitch=30, baseline=100)
    assert [(b.size, b.start, b.offset) for b in columns] == [
        (40, 60, 0),
        (80, 20, 30),
        (0, 100, 60),
    ]
    rows = charts.bars([("x", 50), ("y", 100)], length=200, pitch=20, largest=100)
    assert [(b.size, b.start) for b in rows] == [(100, 0), (200, 0)]
    assert charts.bars([("none", 0)], length=10, pitch=1)[0].size == 0


def test_trend_chart_escapes_labels_and_skips_unscored():
    chart = charts.trend([("<b>a</b>", 50), ("b", None), ("c", 100)])
    assert [(point.x, point.y, point.value) for point in chart.points] == [
        (28, 90, 50),
        (612, 28, 100),
    ]
    svg = render_to_string("quizzes/trend_chart.html", {"chart": chart, "title": "趋势"})
    assert svg.startswith('<svg class="trend" viewBox="0 0 640 180"')
    assert "&lt;b&gt;a&lt;/b&gt;: 50%" in svg
    assert svg.count("<circle") == 2
    assert '<polyline points="28.0,90.0 612.0,28.0"' in svg
    assert charts.trend([("x", None)]) is None

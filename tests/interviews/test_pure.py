"""The pure modules: drawing questions, key points and coverage, the SVG chart."""

import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviews import drawing
from interviews.keypoints import coverage, key_points


def pool():
    out = []
    for i in range(30):
        out.append(drawing.Candidate(i, ("easy", "medium", "hard")[i % 3], frozenset({i % 2 + 1})))
    return out


def test_allocate_splits_by_weight():
    assert drawing.allocate(6, {"easy": 2, "medium": 3, "hard": 1}) == {
        "easy": 2,
        "medium": 3,
        "hard": 1,
    }
    assert drawing.allocate(5, {"hard": 2, "medium": 1}) == {"hard": 3, "medium": 2}
    assert drawing.allocate(4, {}) == {}
    assert drawing.allocate(4, {"easy": 0}) == {}


def test_draw_follows_the_mix_spreads_topics_and_orders_by_difficulty():
    ids = drawing.draw(
        pool(), count=6, mix={"easy": 1, "hard": 2}, topics=[1, 2], rng=random.Random(1)
    )
    by_id = {c.id: c for c in pool()}
    difficulties = [by_id[i].difficulty for i in ids]
    assert difficulties == ["easy", "easy", "hard", "hard", "hard", "hard"]
    assert Counter(next(iter(by_id[i].tags)) for i in ids) == {1: 3, 2: 3}


def test_draw_avoids_recent_questions_when_the_bank_allows():
    avoid = set(range(20))
    ids = drawing.draw(pool(), count=10, mix={}, avoid=avoid, rng=random.Random(2))
    assert set(ids) == set(range(20, 30))
    more = drawing.draw(pool(), count=15, mix={}, avoid=avoid, rng=random.Random(2))
    assert set(range(20, 30)) <= set(more)
    assert len(more) == 15


def test_draw_tops_up_a_short_difficulty_from_the_others():
    few_hard = [c for c in pool() if c.difficulty != "hard" or c.id < 6]
    ids = drawing.draw(few_hard, count=6, mix={"hard": 1}, rng=random.Random(3))
    assert len(ids) == 2  # only the weighted difficulty is allowed: two hard questions exist
    ids = drawing.draw(few_hard, count=6, mix={"hard": 2, "medium": 1}, rng=random.Random(3))
    assert len(ids) == 6


@given(
    count=st.integers(1, 50),
    weights=st.dictionaries(st.sampled_from(drawing.DIFFICULTY_ORDER), st.integers(0, 5)),
    seed=st.integers(0, 1000),
)
def test_draw_never_repeats_or_invents_questions(count, weights, seed):
    candidates = pool()
    ids = drawing.draw(candidates, count=count, mix=weights, rng=random.Random(seed))
    assert len(ids) == len(set(ids)) <= count
    assert set(ids) <= {c.id for c in candidates}


def test_key_points_prefer_list_items_then_bold_then_sentences():
    items = (
        "<p>前言</p><ul><li>要点一：<strong>低秩</strong></li>"
        "<li>要点二<ul><li>子项</li></ul></li></ul>"
    )
    assert key_points(items) == ["要点一：低秩", "要点二", "子项"]
    bold = "<p><strong>KV cache</strong> 缓存键值，<strong>显存</strong>占用随长度增长。</p>"
    assert key_points(bold) == ["KV cache", "显存"]
    prose = "<p>LoRA 冻结原权重。它训练低秩矩阵！Then it merges.</p><pre><code>x = 1</code></pre>"
    assert key_points(prose) == ["LoRA 冻结原权重", "它训练低秩矩阵", "Then it merges"]
    assert key_points("") == []


def test_coverage_is_chinese_aware_and_only_a_hint():
    points = ["低秩矩阵分解", "冻结预训练权重"]
    result = coverage(points, "LoRA 使用低秩矩阵，并冻结原来的权重")
    assert "低秩" in result.found
    assert "权重" in result.found
    assert "预训" in result.missing
    assert 0 < result.percent < 100
    assert result.points_hit == [True, False]
    assert coverage(points, "").percent == 0
    assert coverage([], "anything").percent is None


@pytest.mark.parametrize("html", ["<ul><li>", "<li><li>x</li>", "<strong>不闭合", "&amp;&lt;"])
def test_key_points_survive_broken_html(html):
    assert isinstance(key_points(html), list)

"""The grader (questions/grading.py): key points, calibration against hand scores, editing."""

import json
import time
from pathlib import Path

import pytest
from django.conf import settings

from questions.editorial import drafts, revisions
from questions.grading import (
    KeyPointSyntaxError,
    format_key_points,
    grade,
    parse_key_points,
    parse_key_points_text,
    spearman,
)
from questions.models import Question, QuestionSource

from .conftest import as_user

DATA = Path(__file__).resolve().parents[1] / "data" / "grading-calibration.json"
KEYPOINTS = Path(settings.QUESTION_FIXTURES_DIR) / "keypoints.json"
LORA = "001_aa609879d3a6dfb9.txt:164"

SOUND = (
    "LoRA 的问题：更新被限制在低秩子空间，表达能力受限，效果常不如全参微调。改进：PLoRA 分阶段"
    "训练，每阶段把 LoRA 合并进主干再重新初始化，累积逼近高秩；LoRA+ 给 B 更大的学习率；"
    "AdaLoRA 自适应分配秩；QLoRA 量化底座省显存；DoRA 拆成幅度和方向。"
)
PARAPHRASE = (
    "Because the update is forced into a rank-r subspace, LoRA's capacity is limited and it "
    "trails full fine-tuning. PLoRA trains in stages and merges each LoRA into the base weights "
    "before re-initialising, so the low-rank pieces add up to a higher rank. LoRA+ uses a larger "
    "learning rate for B than for A; AdaLoRA allocates rank adaptively per layer; QLoRA "
    "quantises the base to 4-bit; DoRA splits magnitude and direction."
)
OFF_TOPIC = "Prefix Tuning 在每一层的 key 和 value 前拼接可训练的 prefix 向量，冻结原模型参数。"


def _shipped() -> dict:
    return json.loads(KEYPOINTS.read_text(encoding="utf-8"))


def _lora_points():
    return parse_key_points(_shipped()[LORA]["key_points"])


def test_lora_sound_answer_and_paraphrase_score_well_above_an_off_topic_one():
    points = _lora_points()
    sound, paraphrase, off = (grade(points, text) for text in (SOUND, PARAPHRASE, OFF_TOPIC))
    assert sound.score >= 0.7
    assert paraphrase.score >= 0.6
    assert off.score <= 0.25
    assert sound.score - off.score >= 0.45
    assert paraphrase.score - off.score >= 0.35
    # The off-topic answer is told what it missed: most of the points, by id.
    assert len(off.missed) >= len(points) - 1
    assert set(off.missed) | set(off.covered) == {point.id for point in points}
    # Each covered point names the sentence of the answer that covers it.
    for item in sound.evidence:
        assert item.sentence in SOUND or all(part in SOUND for part in item.sentence.split(" "))


def test_empty_answer_scores_zero_and_misses_everything():
    points = _lora_points()
    result = grade(points, "   ")
    assert result.score == 0
    assert result.missed == [point.id for point in points]


def test_grading_is_deterministic_and_fast():
    points = _lora_points()
    first = grade(points, PARAPHRASE)
    started = time.perf_counter()
    for _ in range(20):
        again = grade(points, PARAPHRASE)
    elapsed_ms = (time.perf_counter() - started) * 1000 / 20
    assert again == first
    assert elapsed_ms < 20


def test_calibration_spearman_against_hand_scores():
    """Spearman's rho between the grader and 210 hand-scored answers (README: figures)."""
    shipped = _shipped()
    cases = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(cases) >= 150
    assert len({case["question"] for case in cases}) >= 30
    auto = [
        grade(parse_key_points(shipped[c["question"]]["key_points"]), c["answer"]).score
        for c in cases
    ]
    rho = spearman(auto, [case["score"] for case in cases])
    assert rho >= 0.6, f"Spearman rho {rho:.3f} fell below 0.6"


def test_spearman_uses_average_ranks_for_ties():
    assert spearman([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    # Ranks of (1, 1, 2) are (1.5, 1.5, 3): Pearson of those against (1, 2, 3).
    assert spearman([1, 1, 2], [1, 2, 3]) == pytest.approx(0.8660254)
    with pytest.raises(ValueError, match="same length"):
        spearman([1], [1])


def test_key_point_text_round_trips_and_refuses_bad_lines():
    stored = _shipped()[LORA]["key_points"]
    parsed = parse_key_points_text(format_key_points(stored))
    assert [point["id"] for point in parsed] == [point["id"] for point in stored]
    assert [point["aliases"] for point in parsed] == [point["aliases"] for point in stored]
    with pytest.raises(KeyPointSyntaxError) as error:
        parse_key_points_text("kp1 | 3 | ok\nkp2 | 5 | weight out of range")
    assert error.value.line == 2
    with pytest.raises(KeyPointSyntaxError):
        parse_key_points_text("kp1 | 3 | a\nkp1 | 2 | b")


@pytest.mark.django_db
def test_load_bank_stores_key_points_and_follow_ups_on_live_revisions():
    source = QuestionSource.objects.select_related("question__live_revision").get(
        file_name="001_aa609879d3a6dfb9.txt", heading_line=164
    )
    revision = source.question.live_revision
    assert [point["id"] for point in revision.key_points] == [
        point["id"] for point in _shipped()[LORA]["key_points"]
    ]
    assert revision.follow_ups, "the LoRA question ships follow-ups"
    with_points = Question.objects.practicable().exclude(live_revision__key_points=[])
    assert with_points.count() >= 100


@pytest.mark.django_db
def test_editors_edit_key_points_in_the_draft_and_publishing_carries_them(client, editor, reviewer):
    question = QuestionSource.objects.get(
        file_name="001_aa609879d3a6dfb9.txt", heading_line=164
    ).question
    draft = drafts.start_draft(question=question, editor=editor)
    assert draft.key_points == question.live_revision.key_points
    text = format_key_points(draft.key_points) + "\nkp9 | 1 | 新要点 | 新别名; alias"
    as_user(client, editor)
    page = client.get(draft.get_absolute_url())
    assert "kp1 |" in page.content.decode()
    response = client.post(
        draft.get_absolute_url(),
        {
            "title": draft.title,
            "body_markdown": draft.body_markdown,
            "tags": draft.tag_slugs,
            "difficulty": draft.difficulty,
            "key_points": text,
            "version": draft.version,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.key_points[-1] == {
        "id": "kp9",
        "text": "新要点",
        "aliases": ["新别名", "alias"],
        "weight": 1,
        "source_sentence": "",
        "from_correction": True,
    }
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "新要点" in page
    assert "draft-diff" in page
    bad = client.post(
        draft.get_absolute_url(),
        {
            "title": draft.title,
            "body_markdown": draft.body_markdown,
            "tags": draft.tag_slugs,
            "difficulty": draft.difficulty,
            "key_points": "kp1 | 7 | weight seven",
            "version": draft.version,
        },
    )
    assert bad.status_code == 400
    assert "line 1" in bad.content.decode() or "第 1 行" in bad.content.decode()
    drafts.submit_draft(
        draft_id=draft.pk, editor=editor, seen_version=draft.version, summary="kp", resolves=()
    )
    revision = revisions.publish_revision(draft_id=draft.pk, reviewer=reviewer)
    assert revision.key_points[-1]["id"] == "kp9"
    assert revision.follow_ups == question.live_revision.follow_ups

"""POST /api/questions/{id}/grade/, follow-ups on the detail, contested grades."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from questions import assessment
from questions.models import GradeDispute, QuestionSource

from .test_grading import OFF_TOPIC, PARAPHRASE, SOUND

pytestmark = pytest.mark.django_db


@pytest.fixture
def lora():
    return QuestionSource.objects.get(
        file_name="001_aa609879d3a6dfb9.txt", heading_line=164
    ).question


@pytest.fixture
def api(learner):
    cache.clear()  # the throttle counts in the cache
    client = APIClient()
    client.force_authenticate(learner)
    return client


def _grade(api, question, answer):
    return api.post(f"/api/questions/{question.pk}/grade/", {"answer": answer}, format="json")


def test_grade_answers_score_covered_missed_and_evidence(api, lora):
    sound = _grade(api, lora, SOUND)
    assert sound.status_code == 200
    body = sound.json()
    assert set(body) >= {"score", "covered", "missed", "evidence"}
    assert body["score"] >= 0.7
    assert body["covered_count"] == len(body["covered"])
    assert body["total"] == len(body["covered"]) + len(body["missed"])
    covered_ids = {point["id"] for point in body["covered"]}
    assert {item["point"] for item in body["evidence"]} == covered_ids
    assert all(item["sentence"] for item in body["evidence"])
    off = _grade(api, lora, OFF_TOPIC).json()
    paraphrase = _grade(api, lora, PARAPHRASE).json()
    assert paraphrase["score"] - off["score"] >= 0.35
    # The off-topic answer is told what it missed, with the reference sentence for each.
    assert len(off["missed"]) >= body["total"] - 1
    assert all(point["text"] and point["reference"] for point in off["missed"])


def test_grade_validates_its_input(api, lora):
    too_long = "字" * (assessment.MAX_ANSWER_CHARS + 1)
    assert _grade(api, lora, too_long).status_code == 400
    missing = api.post(f"/api/questions/{lora.pk}/grade/", {}, format="json")
    assert missing.status_code == 400
    assert "answer" in missing.json()
    assert (
        api.post("/api/questions/999999/grade/", {"answer": "x"}, format="json").status_code == 404
    )


def test_grade_needs_key_points_and_a_signed_in_user(api, lora):
    without = QuestionSource.objects.exclude(question=lora).select_related(
        "question__live_revision"
    )
    note = next(s.question for s in without if not s.question.live_revision.key_points)
    refused = _grade(api, note, "answer")
    assert refused.status_code == 422
    assert refused.json()["code"] == "not_gradable"
    assert APIClient().post(
        f"/api/questions/{lora.pk}/grade/", {"answer": "x"}, format="json"
    ).status_code in {401, 403}


def test_grade_is_throttled(api, lora, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"grading": "3/min"},
    }
    from rest_framework.throttling import ScopedRateThrottle

    rates = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {"grading": "3/min"}
    try:
        codes = [_grade(api, lora, "LoRA").status_code for _ in range(4)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = rates
    assert codes == [200, 200, 200, 429]


def test_detail_lists_follow_ups_and_the_schema_documents_grading(api, lora):
    detail = api.get(f"/api/questions/{lora.pk}/").json()
    assert detail["follow_ups"]
    first = detail["follow_ups"][0]
    assert set(first) == {"id", "after", "question_id", "prompt", "key_points"}
    assert first["prompt"] or first["question_id"]
    schema = api.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    grade = schema.json()["paths"]["/api/questions/{id}/grade/"]["post"]
    assert "429" in grade["responses"]
    assert "200" in grade["responses"]


def test_contested_grade_is_stored_and_exported_to_the_calibration_format(learner, lora, tmp_path):
    dispute = assessment.contest_grade(
        user=learner, question=lora, answer=PARAPHRASE, claimed_score=3, comment="It is right."
    )
    assert dispute.score == assessment.grade_answer(question=lora, answer=PARAPHRASE).score
    assert GradeDispute.objects.count() == 1
    out = tmp_path / "contested.json"
    call_command("export_grade_disputes", output=out)
    [entry] = json.loads(out.read_text(encoding="utf-8"))
    assert entry["question"] == "001_aa609879d3a6dfb9.txt:164"
    assert entry["score"] == 3
    assert entry["answer"] == PARAPHRASE
    assert entry["language"] == "en"
    with pytest.raises(assessment.DomainError):
        assessment.contest_grade(user=learner, question=lora, answer="x", claimed_score=4)


def test_editors_see_contested_grades_and_learners_do_not(client, learner, editor, lora):
    assessment.contest_grade(
        user=learner, question=lora, answer=PARAPHRASE, claimed_score=3, comment="意译也对"
    )
    client.force_login(learner)
    assert client.get("/questions/editor/grades/").status_code in {403, 404}
    client.force_login(editor)
    page = client.get("/questions/editor/grades/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "意译也对" in html
    assert lora.title in html


def test_editors_set_key_points_through_the_draft_api(client, editor, lora):
    client.force_login(editor)
    create = f"/api/questions/{lora.pk}/revisions/"
    payload = {"title": lora.title, "body_markdown": lora.body_markdown}
    draft = client.post(create, payload, content_type="application/json").json()
    assert [p["id"] for p in draft["key_points"]] == [
        p["id"] for p in lora.live_revision.key_points
    ]
    points = [{"id": "kp1", "text": "低秩增量 ΔW=BA", "weight": 3, "aliases": ["低秩", "BA"]}]
    saved = client.post(
        create,
        {**payload, "version": draft["version"], "key_points": points},
        content_type="application/json",
    )
    assert saved.status_code == 200
    assert saved.json()["key_points"][0]["aliases"] == ["低秩", "BA"]
    duplicate = client.post(
        create,
        {**payload, "version": saved.json()["version"], "key_points": points * 2},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    bad_weight = client.post(
        create,
        {**payload, "version": saved.json()["version"], "key_points": [{**points[0], "weight": 7}]},
        content_type="application/json",
    )
    assert bad_weight.status_code == 400
    assert "key_points" in bad_weight.json()

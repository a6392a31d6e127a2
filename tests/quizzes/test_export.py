"""Export: an Anki package whose collection sqlite3 can read, and CSV with a header."""

import csv
import io
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from questions.models import Question
from quizzes import services
from quizzes.models import Bookmark, Rating

from .conftest import publish

pytestmark = pytest.mark.django_db
EXPORT = "/api/practice/export/"
NOW = datetime(2025, 3, 10, 4, 0, tzinfo=UTC)


def collection(apkg: bytes, tmp_path) -> sqlite3.Connection:
    with zipfile.ZipFile(io.BytesIO(apkg)) as package:
        assert "collection.anki2" in package.namelist()
        path = tmp_path / "collection.anki2"
        path.write_bytes(package.read("collection.anki2"))
    return sqlite3.connect(path)


@pytest.fixture
def studied(learner):
    """Three questions the learner rated (one with math in its answer), one a day apart."""
    questions = list(Question.objects.practicable().order_by("id")[:3])
    publish(questions[0], "缩放点积注意力：$\\mathrm{softmax}(QK^T/\\sqrt{d_k})V$")
    for day, question in enumerate(questions):
        with time_machine.travel(NOW + timedelta(days=day), tick=False):
            services.record_review(user=learner, question=question, rating=Rating.GOOD)
    with time_machine.travel(NOW + timedelta(days=5), tick=False):
        services.record_review(user=learner, question=questions[0], rating=Rating.AGAIN)
    return questions


def test_the_anki_package_holds_a_note_and_card_per_practised_question(
    client, learner, other, studied, tmp_path
):
    services.record_review(user=other, question=Question.objects.practicable().last(), rating=3)
    client.force_login(learner)
    response = client.get(EXPORT, {"format": "apkg"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"].endswith('.apkg"')
    db = collection(response.content, tmp_path)
    notes = db.execute("SELECT id, flds, tags FROM notes ORDER BY id").fetchall()
    assert len(notes) == 3  # the learner's, not the other learner's
    assert db.execute("SELECT count(*) FROM cards").fetchone()[0] == 3
    assert {n[0] for n in notes} == {r[0] for r in db.execute("SELECT nid FROM cards")}
    by_title = {}
    for _id, flds, tags in notes:
        title, answer, _tag_names, source = flds.split("\x1f")
        by_title[title] = (answer, tags, source)
    for question in studied:
        answer, tags, source = by_title[question.title]
        assert answer == question.body_html  # the rendered, sanitised answer
        assert "interviewprep" in tags.split()
        assert {tag.slug for tag in question.tags.all()} <= set(tags.split())
        assert f"http://testserver{question.get_absolute_url()}" in source
        assert f"v{question.live_revision.number}" in source
    assert "<math" in by_title[studied[0].title][0]  # math stays MathML, readable in Anki
    # The same notes again on a second export: Anki updates them instead of duplicating.
    again = collection(client.get(EXPORT).content, tmp_path)
    assert {r[0] for r in again.execute("SELECT guid FROM notes")} == {
        r[0] for r in db.execute("SELECT guid FROM notes")
    }


def test_a_filtered_deck_exports_only_its_questions(client, learner, studied, tmp_path):
    Bookmark.objects.create(user=learner, question=studied[1])
    client.force_login(learner)
    db = collection(client.get(EXPORT, {"format": "apkg", "bookmarked": "true"}).content, tmp_path)
    titles = [r[0].split("\x1f")[0] for r in db.execute("SELECT flds FROM notes")]
    assert titles == [studied[1].title]


def test_csv_has_a_header_then_cards_then_reviews(client, learner, studied):
    client.force_login(learner)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0].keys() >= {"record", "question_id", "title", "rating", "reviewed_at", "due"}
    cards = [r for r in rows if r["record"] == "card"]
    reviews = [r for r in rows if r["record"] == "review"]
    assert sorted(int(r["question_id"]) for r in cards) == sorted(q.pk for q in studied)
    assert [r["rating"] for r in reviews] == ["good", "good", "good", "again"]
    assert reviews[-1]["question_id"] == str(studied[0].pk)
    assert next(r for r in cards if r["question_id"] == str(studied[0].pk))["lapses"] == "1"


def test_bad_export_requests_get_a_clear_error(client, learner):
    assert client.get(EXPORT).status_code in (401, 403)
    client.force_login(learner)
    for bad in ({"format": "xml"}, {"format": "csv", "difficulty": "impossible"}):
        response = client.get(EXPORT, bad)
        assert response.status_code == 400, bad
        assert response["Content-Type"] == "application/json"
    page = client.get(reverse("practice:export")).content.decode()
    assert 'action="/api/practice/export/"' in page
    assert 'value="apkg"' in page

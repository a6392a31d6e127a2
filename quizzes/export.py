"""Exporting a learner's practice: an Anki package (genanki) and CSV.

The package has one note per question (title; the answer as rendered on the site, math as
MathML, which Anki's Chromium web view displays; tags; provenance: the question's address,
answer version and source notes), with stable ids so a second import updates the notes
instead of copying them. The CSV holds the learner's cards and their review history.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import genanki
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.html import escape

from interviewprep.models import User
from questions.models import Question, QuestionSource, Tag

from .models import Card, CardState, Rating, Review

# Fixed ids: Anki matches a re-imported deck, note type and notes to the ones it has.
MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_110
MODEL = genanki.Model(
    MODEL_ID,
    "InterviewPrep question",
    fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Tags"}, {"name": "Source"}],
    templates=[
        {
            "name": "Recall",
            "qfmt": '<div class="question">{{Question}}</div><div class="tags">{{Tags}}</div>',
            "afmt": '{{FrontSide}}<hr id="answer"><div class="answer">{{Answer}}</div>'
            '<div class="source">{{Source}}</div>',
        }
    ],
    css=".card { font-family: sans-serif; text-align: left; }"
    " .tags, .source { color: #666; font-size: 0.8em; } math { font-size: 1.1em; }",
)


def export_questions(user: User, question_ids: Sequence[int] | None) -> QuerySet[Question]:
    """The questions exported: the given ones (a filtered deck) or those the learner has a
    card for, with what the export prints."""
    if question_ids is None:
        questions = Question.objects.filter(pk__in=Card.objects.for_user(user).values("question"))
    else:
        questions = Question.objects.filter(pk__in=list(question_ids))
    return (
        questions.select_related("live_revision")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("level", "slug")),
            Prefetch(
                "sources",
                queryset=QuestionSource.objects.only(
                    "question_id", "file_name", "start_line", "end_line"
                ),
            ),
        )
        .order_by("id")
    )


def _provenance(question: Question, site: str) -> str:
    version = question.live_revision.number if question.live_revision else None
    sources = escape(", ".join(str(source) for source in question.sources.all()))
    url = f"{site}{question.get_absolute_url()}"
    parts = [f'<a href="{escape(url)}">{escape(url)}</a>']
    if version is not None:
        parts.append(f"v{version}")
    if sources:
        parts.append(sources)
    return " · ".join(parts)


def anki_package(questions: Iterable[Question], *, site: str, deck_name: str) -> bytes:
    """An ``.apkg`` with one note per question."""
    deck = genanki.Deck(DECK_ID, deck_name)
    for question in questions:
        tags = [tag.slug for tag in question.tags.all()]
        deck.add_note(
            genanki.Note(
                model=MODEL,
                # The site's HTML is sanitised (questions/markdown.py); Anki shows it as is.
                fields=[
                    escape(question.title),
                    question.body_html,
                    escape(" ".join(str(tag) for tag in question.tags.all())),
                    _provenance(question, site),
                ],
                tags=["interviewprep", *tags],
                guid=genanki.guid_for("interviewprep", question.pk),
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(deck).write_to_file(str(path), timestamp=timezone.now().timestamp())
        return path.read_bytes()


CSV_HEADER = [
    "record",
    "question_id",
    "title",
    "tags",
    "url",
    "state",
    "due",
    "stability",
    "difficulty",
    "reps",
    "lapses",
    "rating",
    "reviewed_at",
    "duration_seconds",
]


def csv_export(user: User, questions: QuerySet[Question], *, site: str) -> str:
    """One ``card`` row per card of these questions, then one ``review`` row per review."""
    by_id = {question.pk: question for question in questions}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)

    def base(question: Question) -> list[object]:
        tags = " ".join(tag.slug for tag in question.tags.all())
        return [question.pk, question.title, tags, f"{site}{question.get_absolute_url()}"]

    cards = Card.objects.for_user(user).filter(question_id__in=list(by_id)).order_by("id")
    for card in cards:
        writer.writerow(
            [
                "card",
                *base(by_id[card.question_id]),
                CardState(card.state).name.lower(),
                card.due.isoformat(),
                card.stability if card.stability is not None else "",
                card.difficulty if card.difficulty is not None else "",
                card.reps,
                card.again_count,
                "",
                "",
                "",
            ]
        )
    reviews = Review.objects.filter(user=user, card__question_id__in=list(by_id)).order_by(
        "reviewed_at", "id"
    )
    for review in reviews.only(
        "card_id", "question_id", "rating", "reviewed_at", "duration_seconds", "card__question_id"
    ).select_related("card"):
        writer.writerow(
            [
                "review",
                *base(by_id[review.card.question_id]),
                "",
                "",
                "",
                "",
                "",
                "",
                Rating(review.rating).name.lower(),
                review.reviewed_at.isoformat(),
                review.duration_seconds,
            ]
        )
    return out.getvalue()

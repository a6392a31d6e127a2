"""Editorial actions reach the learners' practice: notices and merges."""

import pytest
from django.urls import reverse

from questions.editorial import merging
from questions.models import Notification, Question
from quizzes import services as practice
from quizzes.models import Bookmark, Card, Note, Rating, Review
from tests.factories import UserFactory
from tests.questions.revisions import publish

pytestmark = pytest.mark.django_db


def test_publishing_notifies_learners_who_practised_or_bookmarked_it(mqa, editor, reviewer):
    practised, bookmarked, bystander = UserFactory(), UserFactory(), UserFactory()
    practice.record_review(user=practised, question=mqa, rating=Rating.GOOD)
    practice.add_bookmark(user=bookmarked, question=mqa)

    publish(mqa, editor, reviewer, "MQA: all query heads share one key/value head.")

    notified = set(Notification.objects.filter(question=mqa).values_list("user_id", flat=True))
    assert {practised.pk, bookmarked.pk} <= notified
    assert bystander.pk not in notified


def test_merging_moves_cards_bookmarks_and_notes_to_the_kept_question(editor):
    kept, duplicate = Question.objects.practicable()[:2]
    both, only_dup = UserFactory(), UserFactory()
    for user in (both, only_dup):
        practice.record_review(user=user, question=duplicate, rating=Rating.AGAIN)
        practice.add_bookmark(user=user, question=duplicate)
        practice.save_note(user=user, question=duplicate, text=f"dup note {user.pk}")
    practice.record_review(user=both, question=kept, rating=Rating.GOOD)
    practice.add_bookmark(user=both, question=kept)
    practice.save_note(user=both, question=kept, text="kept note")
    reviews = Review.objects.count()

    merging.merge_question(duplicate=duplicate, kept=kept, editor=editor)

    assert not Card.objects.filter(question=duplicate).exists()
    assert not Bookmark.objects.filter(question=duplicate).exists()
    assert not Note.objects.filter(question=duplicate).exists()
    assert Review.objects.count() == reviews  # history is kept
    both_card = Card.objects.get(user=both, question=kept)
    assert both_card.reviews.count() == 2
    assert Card.objects.get(user=only_dup, question=kept).reviews.count() == 1
    assert Bookmark.objects.filter(question=kept).count() == 2
    assert Note.objects.get(user=both, question=kept).text == f"kept note\n\ndup note {both.pk}"
    assert Note.objects.get(user=only_dup, question=kept).text == f"dup note {only_dup.pk}"


def test_public_history_never_shows_email_addresses(client, mqa, editor, reviewer):
    publish(mqa, editor, reviewer, "MQA: all query heads share one key/value head.")
    page = client.get(reverse("questions:history", args=[mqa.pk])).content.decode()
    api = client.get(f"/api/questions/{mqa.pk}/history/").content.decode()
    for text in (page, api):
        assert editor.email not in text
        assert reviewer.email not in text
        assert editor.public_name in text

"""One learner never sees another's cards, notes, bookmarks or progress (pages and API).

Each denial shares its set-up with the allowed twin, so it cannot pass for the wrong reason.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.models import Question
from quizzes import access
from quizzes.models import Bookmark, Note, Rating
from tests.factories import CardFactory, ReviewFactory

pytestmark = pytest.mark.django_db
SECRET = "只有我能看到的笔记"


@pytest.fixture
def owned(learner):
    """The learner's due card (reviewed once), bookmark and private note on one question."""
    question = Question.objects.practicable().order_by("id").first()
    now = timezone.now()
    card = CardFactory(user=learner, question=question, due=now)
    ReviewFactory(card=card, reviewed_at=now, rating=Rating.AGAIN, duration_seconds=30)
    bookmark = Bookmark.objects.create(user=learner, question=question)
    Note.objects.create(user=learner, question=question, text=SECRET)
    return {"question": question, "card": card, "bookmark": bookmark}


@pytest.mark.parametrize(("who", "allowed"), [("learner", True), ("other", False)])
def test_access_functions(request, owned, who, allowed):
    user = request.getfixturevalue(who)
    calls = [
        lambda: access.get_card_for_user(user, owned["card"].pk),
        lambda: access.get_bookmark_for_user(user, owned["bookmark"].pk),
        lambda: access.get_note_for_user(user, owned["question"].pk),
    ]
    for call in calls:
        if allowed:
            assert call() is not None
        else:
            with pytest.raises(access.Http404):
                call()


@pytest.mark.parametrize(("who", "allowed"), [("learner", True), ("other", False)])
def test_api_objects_of_another_learner_are_404(client, request, owned, who, allowed):
    client.force_login(request.getfixturevalue(who))
    bookmark = reverse("practice-api:bookmark-detail", args=[owned["bookmark"].pk])
    note = reverse("practice-api:note", args=[owned["question"].pk])
    assert client.get(bookmark).status_code == (200 if allowed else 404)
    assert client.get(note).status_code == (200 if allowed else 404)
    assert client.delete(note).status_code == (204 if allowed else 404)
    assert client.delete(bookmark).status_code == (204 if allowed else 404)
    assert Bookmark.objects.filter(pk=owned["bookmark"].pk).exists() != allowed


@pytest.mark.parametrize(("who", "allowed"), [("learner", True), ("other", False)])
def test_lists_queue_and_progress_show_only_ones_own(client, request, owned, who, allowed):
    client.force_login(request.getfixturevalue(who))
    question = owned["question"]
    queue = client.get(reverse("practice-api:queue")).json()
    assert (queue["results"][0]["kind"] == "review") == allowed
    assert (client.get(reverse("practice-api:bookmark-list")).json()["count"] == 1) == allowed
    assert (client.get(reverse("practice-api:notes")).json()["count"] == 1) == allowed
    progress = client.get(reverse("practice-api:progress")).json()
    assert progress["total_reviews"] == (1 if allowed else 0)
    assert progress["seconds_total"] == (30 if allowed else 0)

    pages = [
        question.get_absolute_url(),
        reverse("practice:bookmarks"),
        reverse("practice:session"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert (SECRET in response.content.decode()) == allowed, url
    dashboard = client.get(reverse("practice:dashboard")).context["progress"]
    assert dashboard.total_reviews == (1 if allowed else 0)

"""Editors see people by their public names, never by their email addresses (issue 20.1)."""

import pytest
from django.contrib.auth.models import Group

from questions.editorial import drafts
from questions.models import EditorialFlag, Question
from tests.factories import FlagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nameless_learner():
    return UserFactory(email="quiet.learner@example.com")


@pytest.fixture
def nameless_editor():
    user = UserFactory(email="quiet.editor@example.com")
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    return user


def test_a_person_without_a_display_name_has_a_generated_public_name(nameless_learner):
    assert nameless_learner.public_name == f"学习者 #{nameless_learner.pk}"
    assert str(nameless_learner) == nameless_learner.public_name
    assert "@" not in str(nameless_learner)


def test_editors_never_see_email_addresses(client, nameless_learner, nameless_editor):
    question = Question.objects.filter(duplicate_of=None).first()
    EditorialFlag.objects.all().delete()  # the bank's own findings would fill the first page
    flag = FlagFactory(question=question, reporter=nameless_learner, reason="typo")
    draft = drafts.start_draft(question=question, editor=nameless_editor)
    client.force_login(nameless_editor)

    api = client.get("/api/editorial/flags/", {"reason": "typo"}).json()
    reporters = [item["reporter"] for item in api["results"] if item["id"] == flag.pk]
    assert reporters == [nameless_learner.public_name]
    pages = (
        "/questions/editor/",
        "/questions/editor/drafts/",
        f"/questions/editor/drafts/{draft.pk}/",
    )
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "quiet.learner@example.com" not in text, url
        assert "quiet.editor@example.com" not in text, url
    assert nameless_learner.public_name in client.get("/questions/editor/").content.decode()
    assert nameless_editor.public_name in client.get("/questions/editor/drafts/").content.decode()

"""A submitted draft cannot get stuck (issue 20.4): withdraw (author or last editor), an
administrator reassigns, and the refusal names the rule that applies."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from interviewprep.errors import NotPermitted
from questions.editorial import drafts, revisions
from questions.models import RevisionDraft
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck(mqa, editor, reviewer):
    """Started by ``editor``, last saved and submitted by ``reviewer``: the only reviewer."""
    draft = drafts.start_draft(question=mqa, editor=editor)
    draft = drafts.save_draft(
        draft_id=draft.pk,
        editor=reviewer,
        seen_version=draft.version,
        title=mqa.title,
        body_markdown="新的答案",
        tag_slugs=draft.tag_slugs,
        difficulty=draft.difficulty,
    )
    return drafts.submit_draft(
        draft_id=draft.pk, editor=reviewer, seen_version=draft.version, summary="s", resolves=[]
    )


def test_the_refusal_names_the_rule(stuck, reviewer, editor):
    with pytest.raises(NotPermitted) as refused:
        revisions.publish_revision(draft_id=stuck.pk, reviewer=reviewer)
    assert "最后由你保存" in refused.value.message
    editor.groups.add(Group.objects.get_or_create(name="reviewer")[0])
    author_as_reviewer = type(editor).objects.get(pk=editor.pk)  # roles are read once a user
    with pytest.raises(NotPermitted) as author:
        drafts.request_changes(draft_id=stuck.pk, reviewer=author_as_reviewer, comment="x")
    assert "由你发起" in author.value.message


def test_the_last_editor_withdraws_a_stuck_draft_and_can_edit_it(client, stuck, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("questions:draft-withdraw", args=[stuck.pk]))
    assert response.status_code == 302
    stuck.refresh_from_db()
    assert stuck.state == RevisionDraft.State.DRAFT
    assert stuck.editable
    saved = drafts.save_draft(
        draft_id=stuck.pk,
        editor=reviewer,
        seen_version=stuck.version,
        title=stuck.title,
        body_markdown="再改一次",
        tag_slugs=stuck.tag_slugs,
        difficulty=stuck.difficulty,
    )
    assert saved.body_markdown == "再改一次"


def test_withdraw_is_for_the_author_or_the_last_editor(client, stuck, editor, editor2):
    api = f"/api/revisions/{stuck.pk}/withdraw/"
    client.force_login(editor2)
    refused = client.post(api)
    assert refused.status_code == 403
    client.force_login(editor)  # the author
    response = client.post(api)
    assert response.status_code == 200
    assert response.json()["state"] == "draft"
    again = client.post(api)
    assert again.status_code == 400


def test_an_administrator_reassigns_a_draft(client, stuck, editor, editor2, reviewer, staff):
    url = reverse("questions:draft-reassign", args=[stuck.pk])
    client.force_login(editor)
    assert client.post(url, {"editor": editor2.pk}).status_code == 403
    assert (
        client.get(reverse("questions:draft", args=[stuck.pk]))
        .content.decode()
        .count('name="editor"')
        == 0
    )
    client.force_login(staff)
    page = client.get(reverse("questions:draft", args=[stuck.pk])).content.decode()
    assert editor2.email in page  # staff see addresses, to pick the right person
    learner = UserFactory()
    assert client.post(url, {"editor": learner.pk}).status_code == 302
    stuck.refresh_from_db()
    assert stuck.author == editor  # a learner cannot be given a draft
    assert client.post(url, {"editor": editor2.pk}).status_code == 302
    stuck.refresh_from_db()
    assert (stuck.author, stuck.edited_by) == (editor2, editor2)
    # The reviewer who was stuck may now review it.
    revision = revisions.publish_revision(draft_id=stuck.pk, reviewer=reviewer)
    assert revision.body_markdown == "新的答案"

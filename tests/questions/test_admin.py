import pytest
from django import forms
from django.urls import reverse

from questions.models import DuplicateCandidate, EditorialFlag, Question, QuestionRevision, Tag
from tests.factories import FlagFactory, QuestionFactory, UserFactory, sign_in_to_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    return sign_in_to_admin(client, UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize("model", [Question, EditorialFlag, DuplicateCandidate, QuestionRevision])
def test_staff_can_browse_the_bank_in_the_admin(staff_client, model):
    meta = model._meta
    listing = staff_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert listing.status_code == 200
    obj = model.objects.first()
    detail = staff_client.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    )
    assert detail.status_code == 200


def test_revisions_cannot_be_edited_in_the_admin(staff_client):
    revision = QuestionRevision.objects.first()
    url = reverse("admin:questions_questionrevision_change", args=[revision.pk])
    staff_client.post(url, {"title": "changed", "number": 99})
    revision.refresh_from_db()
    assert revision.title != "changed"


def test_learners_cannot_open_the_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:questions_question_changelist"))
    assert response.status_code == 302


def test_editor_choices_in_the_admin_survive_a_reimport(staff_client):
    from questions.importing import pipeline
    from tests.conftest import FIXTURES_DIR

    question = Question.objects.get(title="什么是量化？")
    new_difficulty = "easy" if question.difficulty != "easy" else "hard"
    url = reverse("admin:questions_question_change", args=[question.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        difficulty=new_difficulty,
        tags=[Tag.objects.get(slug="rag").pk],
    )
    data.update({"sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0})
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    pipeline.import_bank(fixtures_dir=FIXTURES_DIR)

    question.refresh_from_db()
    assert question.difficulty == new_difficulty
    assert list(question.tags.values_list("slug", flat=True)) == ["rag"]


def admin_form_data(client, url) -> dict:
    """What the admin's change form at ``url`` posts back unchanged."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget, forms.MultiWidget):  # a date and a time
            parts = field.widget.decompress(value)
            data.update(zip((name + s for s in field.widget.widgets_names), parts, strict=True))
        else:
            data[name] = value
    return data


def test_the_admin_shows_a_questions_status_without_changing_it(staff_client):
    question = QuestionFactory()
    url = reverse("admin:questions_question_change", args=[question.pk])
    data = admin_form_data(staff_client, url)
    assert "status" not in data  # read-only: it follows the question's flags
    data.update(status="needs_revision", **{"sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0})
    assert staff_client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.status == "published"


def test_flags_changed_in_the_admin_keep_the_revision_rule(staff_client):
    """Under revision exactly while an open high-severity flag remains, whatever staff
    change in the admin: raising, closing, moving, adding or deleting a flag."""
    question, other = QuestionFactory(), QuestionFactory()
    flag = FlagFactory(question=question)
    change = reverse("admin:questions_editorialflag_change", args=[flag.pk])

    def post(url, **changes):
        response = staff_client.post(url, {**admin_form_data(staff_client, url), **changes})
        assert response.status_code == 302, response.context["adminform"].form.errors

    def statuses():
        return [q.status for q in Question.objects.filter(pk__in=[question.pk, other.pk])]

    post(change, severity="high")
    assert statuses() == ["needs_revision", "published"]
    post(change, question=other.pk)
    assert statuses() == ["published", "needs_revision"]
    post(change, status="declined")
    assert statuses() == ["published", "published"]

    add = reverse("admin:questions_editorialflag_add")
    form = {"question": question.pk, "reason": "wrong", "severity": "high", "status": "open"}
    post(add, problem="错误", **form)
    assert statuses() == ["needs_revision", "published"]
    added = EditorialFlag.objects.get(problem="错误")
    delete = reverse("admin:questions_editorialflag_delete", args=[added.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 302
    assert statuses() == ["published", "published"]

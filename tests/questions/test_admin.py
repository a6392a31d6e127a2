import pytest
from django.urls import reverse

from questions.models import DuplicateCandidate, EditorialFlag, Question, QuestionRevision, Tag
from tests.factories import UserFactory, sign_in_to_admin

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

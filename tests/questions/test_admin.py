import pytest
from django.urls import reverse

from questions.models import DuplicateCandidate, EditorialFlag, Question, QuestionRevision
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


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

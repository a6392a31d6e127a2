"""Series: different questions on one topic, linked at load, editable, shown on the page."""

import pytest
from django.urls import reverse

from questions.importing import pipeline
from questions.models import AuditEntry, Question, SeriesLink, series_of
from tests.questions.test_loading import FIXTURES_DIR

pytestmark = pytest.mark.django_db

HALLUCINATION = ["什么是大模型幻觉？", "如何衡量大模型的幻觉？", "如何缓解大模型幻觉？"]


def by_title(title: str) -> Question:
    return Question.objects.get(title=title)


def test_what_measure_and_mitigate_hallucination_are_one_series_of_three_questions():
    what, measure, mitigate = (by_title(t) for t in HALLUCINATION)
    assert len({what.pk, measure.pk, mitigate.pk}) == 3  # never merged
    assert {measure, mitigate} <= set(series_of(what))
    assert {what, measure} <= set(series_of(mitigate))


def test_the_question_page_shows_its_series(client):
    what, measure, mitigate = (by_title(t) for t in HALLUCINATION)
    html = client.get(mitigate.get_absolute_url()).content.decode()
    section = html[html.index('class="series"') :]
    section = section[: section.index("</section>")]
    assert f'href="{what.get_absolute_url()}"' in section
    assert f'href="{measure.get_absolute_url()}"' in section
    assert 'aria-current="page"' in section
    assert mitigate.title in section


def test_a_question_in_no_series_shows_none(client):
    question = Question.objects.get(title="请介绍下Momentum")
    assert series_of(question) == []
    assert 'class="series"' not in client.get(question.get_absolute_url()).content.decode()


def test_an_editor_unlinks_and_links_and_the_import_keeps_the_choice(client, editor):
    what, _, mitigate = (by_title(t) for t in HALLUCINATION)
    momentum = by_title("请介绍下Momentum")
    client.force_login(editor)
    url = reverse("questions:editor-series-edit", args=[what.pk])
    client.get(mitigate.get_absolute_url())  # cached
    client.post(url, {"other": mitigate.pk, "action": "unlink"})
    assert mitigate not in series_of(what)
    html = client.get(mitigate.get_absolute_url()).content.decode()
    section = html[html.index('class="series"') :]
    assert f'href="{what.get_absolute_url()}"' not in section[: section.index("</section>")]
    client.post(url, {"other": momentum.pk, "action": "link"})
    assert momentum in series_of(what)
    assert AuditEntry.objects.filter(action="series_linked", question=what).exists()

    report = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert report.series_links == 0
    assert mitigate not in series_of(what)
    assert momentum in series_of(what)
    page = client.get(reverse("questions:editor-series", args=[what.pk])).content.decode()
    assert momentum.title in page


def test_learners_cannot_edit_a_series_and_bad_input_is_refused(client, learner, editor):
    what, _, mitigate = (by_title(t) for t in HALLUCINATION)
    url = reverse("questions:editor-series-edit", args=[what.pk])
    client.force_login(learner)
    assert client.post(url, {"other": mitigate.pk, "action": "unlink"}).status_code == 403
    assert mitigate in series_of(what)
    client.force_login(editor)
    for data in ({"other": "x", "action": "link"}, {"other": what.pk, "action": "link"}):
        response = client.post(url, data)
        assert response.status_code in (302, 400)
        assert response.status_code != 500
    assert not SeriesLink.objects.filter(question=what, other=what).exists()
    response = client.post(url, {"other": 10**8, "action": "link"}, follow=True)
    assert response.status_code == 200

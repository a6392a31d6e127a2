"""The editors' findings in the reader's language; learners' reports as they were written."""

import json

import pytest
from django.urls import reverse

from questions.importing.findings import with_chinese
from questions.models import EditorialFlag, Question
from tests.questions.test_loading import FIXTURES_DIR

pytestmark = pytest.mark.django_db


def test_every_imported_finding_has_its_chinese_text():
    imported = EditorialFlag.objects.exclude(import_key=None)
    assert imported.count() == 110
    assert not imported.filter(problem_zh="").exists()
    chinese = json.loads((FIXTURES_DIR / "editorial-review.zh.json").read_text(encoding="utf-8"))
    assert set(imported.values_list("problem_zh", flat=True)) == {f["problem_zh"] for f in chinese}


def test_the_chinese_file_must_line_up_with_the_english():
    english = json.loads((FIXTURES_DIR / "editorial-review.json").read_text(encoding="utf-8"))
    chinese = json.loads((FIXTURES_DIR / "editorial-review.zh.json").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="finding 0"):
        with_chinese(english["findings"], [chinese[1], chinese[0], *chinese[2:]])
    with pytest.raises(ValueError, match="110"):
        with_chinese(english["findings"], chinese[:-1])


@pytest.mark.parametrize(("language", "field"), [("zh-hans", "problem_zh"), ("en", "problem")])
def test_page_and_api_show_the_findings_in_the_readers_language(client, language, field):
    question = Question.objects.get(title__contains="Multi-query Attention")
    flag = question.flags.get(severity="high")
    other = "problem" if field == "problem_zh" else "problem_zh"
    html = client.get(question.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    notice = html[html.index('class="notice revision"') :]
    notice = notice[: notice.index("</div>")]
    assert getattr(flag, field)[:30] in notice.replace("&#x27;", "'").replace("&quot;", '"')
    assert getattr(flag, other)[:30] not in notice
    client.cookies.clear()
    data = client.get(f"/api/questions/{question.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
    shown = {f["id"]: f for f in data["open_flags"]}[flag.pk]
    assert shown["problem"] == getattr(flag, field)
    assert shown["correction"] == getattr(flag, field.replace("problem", "correction"))


def test_a_learners_report_keeps_its_language(client, learner):
    question = Question.objects.get(title__contains="Multi-query Attention")
    client.force_login(learner)
    # Two reasons: a learner has one open report per question and reason.
    for language, reason, text in (
        ("en", "wrong", "答案里的公式少了一个平方根。"),
        ("zh-hans", "unclear", "The formula lacks a root."),
    ):
        client.post(
            reverse("questions:report", args=[question.pk]),
            {"reason": reason, "comment": text},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert EditorialFlag.objects.filter(reporter=learner).count() == 2
    for language in ("en", "zh-hans"):
        html = client.get(
            reverse("questions:my-reports"), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert "答案里的公式少了一个平方根。" in html
        assert "The formula lacks a root." in html


def test_a_reimport_fills_in_the_chinese_of_findings_loaded_before():
    from questions.importing import pipeline

    flag = EditorialFlag.objects.exclude(import_key=None).first()
    expected = (flag.problem_zh, flag.correction_zh)
    EditorialFlag.objects.filter(pk=flag.pk).update(problem_zh="", correction_zh="")
    report = pipeline.import_bank(fixtures_dir=FIXTURES_DIR)
    assert report.flags_created == 0
    flag.refresh_from_db()
    assert (flag.problem_zh, flag.correction_zh) == expected

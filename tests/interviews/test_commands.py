import json

import pytest
from django.core.management import CommandError, call_command

from interviews.models import InterviewTemplate

pytestmark = pytest.mark.django_db


def test_load_interview_templates_is_idempotent_and_keeps_editors_changes(settings):
    call_command("load_interview_templates", verbosity=0)
    shipped = json.loads((settings.QUESTION_FIXTURES_DIR / "interview-templates.json").read_text())[
        "templates"
    ]
    assert InterviewTemplate.objects.count() == len(shipped)
    basics = InterviewTemplate.objects.get(slug="llm-basics-30")
    assert (basics.duration_minutes, basics.question_count) == (30, 6)
    assert basics.tags.filter(slug="attention").exists()
    InterviewTemplate.objects.filter(slug="peft-20").update(duration_minutes=25)
    call_command("load_interview_templates", verbosity=0)
    assert InterviewTemplate.objects.count() == len(shipped)
    assert InterviewTemplate.objects.get(slug="peft-20").duration_minutes == 25


def test_every_shipped_template_can_start_a_full_interview(learner):
    from interviews import services

    call_command("load_interview_templates", verbosity=0)
    for template in InterviewTemplate.objects.all():
        attempt = services.start_attempt(user=learner, template=template)
        assert attempt.slots.count() == template.question_count, template.name


def test_unknown_tags_are_a_clear_error(tmp_path):
    bad = tmp_path / "t.json"
    bad.write_text(
        json.dumps(
            {
                "templates": [
                    {
                        "slug": "x",
                        "name": "x",
                        "duration_minutes": 5,
                        "question_count": 1,
                        "tags": ["no-such-tag"],
                    }
                ]
            }
        )
    )
    with pytest.raises(CommandError, match="no-such-tag"):
        call_command("load_interview_templates", file=bad, verbosity=0)
    assert not InterviewTemplate.objects.exists()


def test_templates_carry_english_shown_on_the_english_ui(client, learner):
    from interviews import services

    call_command("load_interview_templates", verbosity=0)
    # Loaded before the fixtures had English: the next load adds it, keeping the rest.
    InterviewTemplate.objects.filter(slug="peft-20").update(name_en="", description_en="")
    call_command("load_interview_templates", verbosity=0)
    peft = InterviewTemplate.objects.get(slug="peft-20")
    assert peft.name_en == "PEFT · 20 min · 5 questions"
    client.force_login(learner)
    english = client.get("/interviews/", headers={"accept-language": "en"}).content.decode()
    assert "PEFT · 20 min · 5 questions" in english
    assert "Parameter-efficient fine-tuning, the LoRA family and quantization." in english
    assert "PEFT 专项" not in english
    chinese = client.get("/interviews/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "PEFT 专项 · 20 分钟 · 5 题" in chinese
    attempt = services.start_attempt(user=learner, template=peft)
    page = client.get(attempt.get_absolute_url(), headers={"accept-language": "en"})
    assert "<h1>PEFT · 20 min · 5 questions</h1>" in page.content.decode()

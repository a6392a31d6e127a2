"""In a large bank an interview is drawn from a random sample of it (services.POOL per
difficulty, or per difficulty and topic), not from every question."""

from collections import Counter

import pytest

from interviews import services
from questions.models import Question

pytestmark = pytest.mark.django_db

POOL = 4


@pytest.fixture(autouse=True)
def small_pool(monkeypatch):
    monkeypatch.setattr(services, "POOL", POOL)


def practicable_by_difficulty() -> Counter[str]:
    return Counter(Question.objects.practicable().values_list("difficulty", flat=True))


def test_candidates_are_a_sample_of_each_difficulty():
    bank = practicable_by_difficulty()
    assert min(bank.values()) > POOL  # the real bank is larger than the pool
    candidates, _ = services._candidates(services.Criteria(count=3, minutes=10))
    drawn = Counter(candidate.difficulty for candidate in candidates)
    assert drawn == dict.fromkeys(bank, POOL)
    practicable = set(Question.objects.practicable().values_list("pk", flat=True))
    assert {candidate.id for candidate in candidates} <= practicable
    # Each candidate carries all of its tags, not only the chosen topics.
    first = candidates[0]
    assert first.tags == set(
        Question.tags.through.objects.filter(question_id=first.id).values_list("tag_id", flat=True)
    )


def test_each_chosen_topic_is_sampled_per_difficulty():
    criteria = services.Criteria(count=4, minutes=10, tag_slugs=("lora", "rag"))
    candidates, topic_ids = services._candidates(criteria)
    assert len(topic_ids) == 2
    for topic in topic_ids:
        tagged = Question.objects.practicable().filter(tags=topic)
        for difficulty, total in Counter(tagged.values_list("difficulty", flat=True)).items():
            drawn = [c for c in candidates if topic in c.tags and c.difficulty == difficulty]
            assert len(drawn) >= min(total, POOL)
    assert all(c.tags & set(topic_ids) for c in candidates)


def test_an_interview_from_the_sample_keeps_its_difficulty_mix(start, learner):
    attempt = start(learner, count=6, mix={"easy": 1, "medium": 1, "hard": 1})
    asked = attempt.slots.values_list("question__difficulty", flat=True)
    assert Counter(asked) == {"easy": 2, "medium": 2, "hard": 2}

"""One factory per model the tests build (factory_boy). Objects with rules of their own (an
interview attempt, a revision draft) are made through their service, as a person makes them."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from interviewprep.models import User
from interviews import services as interviews
from interviews.models import Attempt
from questions.editorial import drafts
from questions.models import EditorialFlag, Question, QuestionSource, RevisionDraft, Tag
from questions.rendering import render_answer
from questions.search.tokens import search_fields
from quizzes.models import Card, CardState, Rating, Review


class UserFactory(factory.django.DjangoModelFactory):
    """A user; ``roles=["editor", "reviewer"]`` puts them in those role groups."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(obj, create, extracted, **kwargs):
        for name in extracted or ():
            obj.groups.add(Group.objects.get_or_create(name=name)[0])


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    slug = factory.Sequence(lambda n: f"test-tag-{n}")
    name_zh = factory.Sequence(lambda n: f"测试标签{n}")
    name_en = factory.Sequence(lambda n: f"Test tag {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"测试问题 {n}？")
    body_markdown = "这是参考答案。\n\n- 要点一\n- 要点二"
    body_html = factory.LazyAttribute(lambda q: render_answer(q.body_markdown))
    updated_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):
        obj.search_title, obj.search_body = search_fields(obj.title, obj.body_markdown)
        if create:
            obj.save(update_fields=["search_title", "search_body"])


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSource

    question = factory.SubFactory(QuestionFactory)
    file_name = "999_test.txt"
    heading_line = factory.Sequence(lambda n: 10_000 + n * 10)
    start_line = factory.SelfAttribute("heading_line")
    end_line = factory.LazyAttribute(lambda s: s.heading_line + 5)
    raw_title = factory.SelfAttribute("question.title")
    original_text = "#### 测试\n答案"
    normalised_markdown = "答案"


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EditorialFlag

    question = factory.SubFactory(QuestionFactory)
    reason = EditorialFlag.Reason.WRONG
    severity = EditorialFlag.Severity.LOW
    problem = factory.Sequence(lambda n: f"Problem number {n}")


class CardFactory(factory.django.DjangoModelFactory):
    """A studied card in a known state (scheduling itself is tested against fsrs)."""

    class Meta:
        model = Card

    user = factory.SubFactory(UserFactory)
    question = factory.LazyFunction(lambda: Question.objects.practicable().order_by("pk").first())
    due = factory.LazyFunction(timezone.now)
    reps = 1
    state = CardState.REVIEW
    stability = 5.0
    difficulty = 5.0
    step = None
    last_review = factory.LazyAttribute(lambda card: card.due - timedelta(days=3))
    first_reviewed_at = factory.SelfAttribute("last_review")


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review of ``card`` (its user and question), with the card's schedule."""

    class Meta:
        model = Review

    card = factory.SubFactory(CardFactory)
    user = factory.SelfAttribute("card.user")
    question = factory.SelfAttribute("card.question")
    rating = Rating.GOOD
    reviewed_at = factory.LazyFunction(timezone.now)
    duration_seconds = 0
    state = factory.SelfAttribute("card.state")
    stability = factory.SelfAttribute("card.stability")
    difficulty = factory.SelfAttribute("card.difficulty")
    due = factory.SelfAttribute("card.due")


class AttemptFactory(factory.Factory):
    """An interview started through ``interviews.services.start_attempt`` from a filter
    (``count``, ``minutes``, ``tags``, difficulty ``mix``); other keywords (``layout``,
    ``rng``) go to the service."""

    class Meta:
        model = Attempt

    user = factory.SubFactory(UserFactory)
    count = 3
    minutes = 10
    now = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *, user, count, minutes, now, tags=(), mix=None, **kwargs):
        criteria = interviews.Criteria(
            count=count, minutes=minutes, tag_slugs=tuple(tags), difficulty_mix=mix or {}
        )
        return interviews.start_attempt(user=user, criteria=criteria, now=now, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("an attempt is started, not built")


class DraftFactory(factory.Factory):
    """An editor's draft of ``question``, started through ``drafts.start_draft``."""

    class Meta:
        model = RevisionDraft

    question = factory.LazyFunction(lambda: Question.objects.visible().order_by("pk").first())
    editor = factory.SubFactory(UserFactory, roles=["editor"])

    @classmethod
    def _create(cls, model_class, *, question, editor):
        return drafts.start_draft(question=question, editor=editor)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("a draft is started, not built")


def sign_in_to_admin(client, user):
    """``client`` signed in as ``user`` with a confirmed authenticator app, its session
    verified as the admin's login form does after a right code (django_otp.login)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="test app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(device) -> str:
    """The code ``device``'s authenticator app shows now."""
    from django_otp.oath import totp

    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"

import factory
from django.utils import timezone

from interviewprep.models import User
from questions.models import EditorialFlag, Question, QuestionSource, Tag
from questions.rendering import render_answer
from questions.search.tokens import search_fields


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"learner{n}@example.com")
    password = factory.django.Password("correct horse battery staple")


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

"""The site's frame (navigation and language menu) is rendered once per language and kind of
reader and kept in each process ({% cache ... using="frame" %} in templates/base.html), and
every ``{% url %}`` goes through interviewprep/templatetags/cached_url.py."""

import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import NoReverseMatch, reverse, set_script_prefix

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def nav(browser: Client) -> str:
    html = browser.get(reverse("home")).content.decode()
    return html.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]


def reader(*groups: str, language: str = "zh-hans") -> Client:
    user = UserFactory()
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    browser = Client(headers={"accept-language": language})
    browser.force_login(user)
    return browser


def test_each_kind_of_reader_gets_their_own_navigation():
    anonymous = nav(Client(headers={"accept-language": "zh-hans"}))
    learner, editor, reviewer = nav(reader()), nav(reader("editor")), nav(reader("reviewer"))
    for html in (anonymous, learner, editor, reviewer):
        assert "题库" in html
    assert "登录" in anonymous
    assert "我的报告" not in anonymous
    assert "编辑工作台" not in anonymous
    assert "我的报告" in learner
    assert "编辑工作台" not in learner
    assert "编辑工作台" in editor
    assert "编辑工作台" in reviewer


def test_each_language_gets_its_own_navigation_and_menu():
    chinese, english = nav(reader()), nav(reader(language="en"))
    assert "题库" in chinese
    assert '<option value="zh-hans" lang="zh-hans" selected>' in chinese
    assert "Question bank" in english
    assert "题库" not in english
    assert '<option value="en" lang="en" selected>' in english


def test_a_role_granted_shows_in_the_navigation_at_once():
    user = UserFactory()
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(user)
    assert "Editorial" not in nav(browser)
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    assert "Editorial" in nav(browser)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_the_url_tag_reverses_as_djangos_does():
    question = reverse("questions:detail", args=[7])
    assert render("{% url 'questions:detail' 7 %}") == question
    assert render("{% url 'questions:detail' pk %}", pk=7) == question
    assert render("{% url 'questions:detail' pk=pk %}", pk="7") == question
    assert render("{% url 'questions:detail' pk as link %}[{{ link }}]", pk=7) == f"[{question}]"
    assert render("{% url 'questions:detail' 8 %}") == reverse("questions:detail", args=[8])
    assert render("{% url name %}", name="home") == reverse("home")
    # Not plain text or numbers: reversed as Django's tag does, each time.
    nine = type("Nine", (), {"__str__": lambda self: "9"})()
    assert render("{% url 'questions:detail' pk %}", pk=nine) == "/questions/9/"
    # Errors as Django's tag reports them.
    assert render("{% url 'nowhere' as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nowhere' %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_the_url_tag_follows_the_script_prefix():
    assert render("{% url 'home' %}") == "/"
    set_script_prefix("/prep/")
    try:
        assert render("{% url 'home' %}") == "/prep/"
        assert render("{% url 'questions:detail' 7 %}") == "/prep/questions/7/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'home' %}") == "/"

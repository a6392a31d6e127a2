"""The XSS corpus and how it is planted: every payload typed through the real forms.

Payloads that run set ``window.__xss`` or the page title, so a browser test can see it.
Shared by tests/security/test_xss.py (the HTML the server sends) and
tests/browser/test_xss.py (what Chromium does with it).
"""

from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

from interviews.models import Attempt, FollowUp
from questions.models import Question, RevisionDraft
from tests.factories import UserFactory

CORPUS = [
    # Markdown's own links and images (first: raw HTML blocks below stop Markdown parsing).
    "[md-js](javascript:window.__xss=1)",
    "![md-img](javascript:window.__xss=1)",
    "[md-data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==)",
    # Template syntax must be shown, never evaluated.
    "{{ request.user.email }} {% debug %} {instruction}",
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<a href="javascript:window.__xss=1">js-link</a>',
    '<a href="data:text/html,<script>parent.__xss=1</script>">data-link</a>',
    '<svg onload="window.__xss=1"><circle r=1></svg>',
    "<svg><script>window.__xss=1</script></svg>",
    # mXSS: parsers that disagree about <math>/<style>/<noscript> nesting.
    '<math><mi xlink:href="javascript:window.__xss=1">math-link</mi></math>',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    # Malformed HTML and breaking out of attributes, textareas and titles.
    '"><img src=x onerror=window.__xss=1>',
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "<<script>script>window.__xss=1<</script>/script>",
    "<details open ontoggle=\"document.title='pwned'\">",
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<button formaction="javascript:window.__xss=1">btn</button>',
    # Last: its unclosed <style> once swallowed everything after it (see
    # test_script_and_style_in_a_body_show_as_text_and_hide_nothing).
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=1">',
]
TEXT = "\n".join(CORPUS)
#: The display name field holds 80 characters: the attribute/tag breakout plus a template.
DISPLAY_NAME = '"><img src=x onerror=window.__xss=1>{{ request.user.email }}'
TITLE = "<img src=x onerror=window.__xss=1>{{ title }}"
#: What the published Markdown body must still show: the text of links (their dangerous
#: targets are dropped), and template syntax verbatim. The sanitiser deliberately drops
#: disallowed elements (iframe, svg, button, details...), their event handlers and
#: javascript:/data: URLs; script and style tags are shown as text.
BODY_SURVIVORS = ["js-link", "data-link", "md-js", "md-data", "{{ request.user.email }}"]

PASSWORD = "correct horse battery staple"
DANGEROUS_URL = ("javascript:", "data:", "vbscript:")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        values = dict(attrs)
        if tag == "script":
            self._script = True
            if not (values.get("src") or "").startswith("/static/"):
                self.problems.append(f"script without our src: {values}")
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc":
                self.problems.append(f"<{tag} {name}=...>")
            compact = "".join((value or "").split()).lower()
            if name in URL_ATTRS and compact.startswith(DANGEROUS_URL):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")
        self.text.append(data)


def audit(html: str) -> tuple[list[str], str]:
    """(markup that could run script, the page's text with entities decoded)."""
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser.problems, "".join(parser.text)


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.status_code, response.content[:500])
    return response


def plant() -> SimpleNamespace:
    """Type the corpus into every field that someone else (or the author) sees later."""
    learner = UserFactory(email="xss-learner@example.com")
    editor = UserFactory(email="xss-editor@example.com", roles=["editor"])
    reviewer = UserFactory(email="xss-reviewer@example.com", roles=["reviewer"])
    as_learner, as_editor, as_reviewer = Client(), Client(), Client()
    as_learner.force_login(learner)
    as_editor.force_login(editor)
    as_reviewer.force_login(reviewer)

    # An editor with a hostile display name, which the question's history shows.
    _post(
        as_editor,
        reverse("profile"),
        {"display_name": DISPLAY_NAME, "ui_language": "zh-hans", "daily_goal": 20},
    )

    # The learner starts an interview; its first question gets the hostile revision.
    _post(as_learner, reverse("interviews:start"), {"count": 2, "minutes": 30, "layout": "all"})
    attempt = Attempt.objects.get(user=learner)
    question = Question.objects.get(pk=attempt.slots.order_by("position")[0].question_id)

    _post(as_editor, reverse("questions:start-draft", args=[question.pk]), {})
    draft = RevisionDraft.objects.get(question=question)
    url = reverse("questions:draft", args=[draft.pk])
    values = {
        "title": TITLE,
        "body_markdown": "\n\n".join(CORPUS),
        "tags": draft.tag_slugs,
        "difficulty": draft.difficulty,
        "version": draft.version,
    }
    _post(as_editor, url, values)
    draft.refresh_from_db()
    _post(
        as_editor,
        reverse("questions:draft-submit", args=[draft.pk]),
        {"version": draft.version, "summary": TITLE},
    )
    _post(as_reviewer, reverse("questions:draft-approve", args=[draft.pk]), {})
    question.refresh_from_db()
    assert question.title == TITLE
    assert question.body_markdown == values["body_markdown"]

    # The learner's own words: a note, a report, an interview answer.
    _post(as_learner, reverse("practice:note", args=[question.pk]), {"text": TEXT})
    _post(
        as_learner,
        reverse("questions:report", args=[question.pk]),
        {"reason": "unclear", "comment": TEXT},
    )
    answer = {"shown": question.pk, f"text-{question.pk}": TEXT, "action": "submit"}
    _post(as_learner, reverse("interviews:save", args=[attempt.pk]), answer)
    follow_up = FollowUp.objects.filter(attempt=attempt).first()
    if follow_up is not None:
        # Submitting asked the interviewer's follow-up first: answer it too, then submit.
        answer |= {"fshown": follow_up.pk, f"followup-{follow_up.pk}": TEXT}
        _post(as_learner, reverse("interviews:save", args=[attempt.pk]), answer)
    assert not Attempt.objects.get(pk=attempt.pk).is_open
    return SimpleNamespace(
        learner=learner,
        editor=editor,
        reviewer=reviewer,
        question=question,
        attempt=attempt,
        draft=draft,
    )

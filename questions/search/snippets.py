"""Search result snippets: the passage of an answer where the query's terms occur, with the
terms marked. Pure (no database): the list view hands in the answers' plain text.

The text is escaped first and only then are the terms wrapped in ``<mark>``, so an answer's
``<script>`` or ``{{`` shows as text.
"""

import html
import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .synonyms import expand_query
from .tokens import is_cjk_char

#: Characters of context shown around the first match.
WIDTH = 140


def _word(alternative: str) -> str:
    """An alternative of ``expand_query`` as it is written: CJK bigrams ``低秩 秩适 适配``
    are the word ``低秩适配``; a Latin phrase stays as it is."""
    parts = alternative.split()
    if len(parts) > 1 and all(len(part) == 2 and all(map(is_cjk_char, part)) for part in parts):
        return parts[0] + "".join(part[1] for part in parts[1:])
    return alternative


def query_terms(query: str) -> list[str]:
    """The words to mark for ``query``: its own words and their synonyms, longest first."""
    terms = {word for word in query.split() if word.strip()}
    for group in expand_query(query):
        terms.update(_word(alternative) for alternative in group)
    return sorted((term for term in terms if term), key=lambda term: (-len(term), term))


# A tag of our own sanitised answer HTML (``questions.rendering``), quoted attribute values
# and all. Django's ``strip_tags`` runs an HTML parser until the text is stable: for a page of
# twenty answers, that took longer than the search itself.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def answer_text(body_html: str) -> str:
    """The text of a sanitised answer: its tags dropped and its entities decoded (the
    snippet escapes it again)."""
    return html.unescape(_TAG.sub("", body_html))


def snippet(text: str, terms: Sequence[str], *, width: int = WIDTH) -> SafeString:
    """About ``width`` characters of ``text`` around the first of ``terms`` (any case), the
    terms marked; the empty string when none occurs."""
    if not terms:
        return mark_safe("")
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    text = " ".join(text.split())
    first = pattern.search(text)
    if first is None:
        return mark_safe("")
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    window = text[start:end]
    pieces = ["…" if start else ""]
    at = 0
    for match in pattern.finditer(window):
        pieces.append(escape(window[at : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        at = match.end()
    pieces.append(escape(window[at:]))
    pieces.append("…" if end < len(text) else "")
    # Every piece of the text was escaped above; only our own <mark> tags are markup.
    return mark_safe("".join(pieces))  # noqa: S308

"""TeX math in answers turned into MathML, for :func:`questions.rendering.render_answer`.

pymdownx's arithmatex finds ``$...$`` and ``$$...$$`` (standing alone) and leaves their TeX in
placeholders; :class:`MathExtension` also takes ``$$...$$`` inside a paragraph, then replaces
every placeholder with the MathML latex2mathml makes, or with the TeX as code where it cannot.
"""

from __future__ import annotations

import copy
import html
import re
import xml.etree.ElementTree as etree
from functools import lru_cache

import latex2mathml.converter
import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

_CHAR_REF_RE = re.compile(r"&#x([0-9A-Fa-f]+);")
# $$...$$ inside a paragraph (arithmatex only takes $$ blocks that stand alone).
_INLINE_DISPLAY_MATH_RE = r"(?<!\\)\$\$(?!\$)((?:\\.|[^\\$\x02\x03])+?)\$\$"


def _decode_char_refs(text: str) -> str:
    # latex2mathml writes symbols as "&#x0221A;" into element text and then
    # un-escapes its whole serialisation, which would also turn a literal "<" from
    # \text{...} into markup. We decode only its references and let an XML-aware
    # serialiser escape everything.
    return _CHAR_REF_RE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _math_element(tex: str, *, display: bool, block: bool) -> etree.Element:
    """Return ``<math>`` for ``tex``, or ``<code class="math-tex">`` with the source.

    ``block`` says the element stands alone rather than inside a paragraph, so the
    fallback needs a paragraph of its own.
    """
    # The same formulas ($d$, $W_0$, softmax, ...) recur across a bank: convert each once.
    return copy.deepcopy(_converted_math(tex, display=display, block=block))


@lru_cache(maxsize=4096)
def _converted_math(tex: str, *, display: bool, block: bool) -> etree.Element:
    try:
        math = latex2mathml.converter.convert_to_element(
            tex, display="block" if display else "inline"
        )
    except Exception:  # latex2mathml raises many unrelated types on bad TeX.
        code = etree.Element("code", {"class": "math-tex"})
        code.text = AtomicString(tex.strip())
        if not block:
            return code
        paragraph = etree.Element("p")
        paragraph.append(code)
        return paragraph
    math.attrib.pop("xmlns", None)  # implied by HTML5 parsing
    for node in math.iter():
        if node.text:
            node.text = AtomicString(_decode_char_refs(node.text))
        if node.tail:
            node.tail = AtomicString(_decode_char_refs(node.tail))
        for name, value in node.attrib.items():
            node.attrib[name] = _decode_char_refs(value)
    return math


class _InlineDisplayMath(InlineProcessor):
    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        # The same placeholder arithmatex makes; _MathTreeprocessor converts both.
        el = etree.Element("span", {"class": "arithmatex", "data-display": "block"})
        el.text = AtomicString(m.group(1))
        return el, m.start(0), m.end(0)


class _MathTreeprocessor(Treeprocessor):
    """Replace arithmatex's TeX placeholders with MathML (or the TeX fallback).

    Raw HTML never reaches the element tree (Markdown stashes it), so a
    ``span``/``div`` with class ``arithmatex`` here was made by arithmatex or by
    _InlineDisplayMath. Runs after "prettify" so that no layout whitespace is
    inserted around ``<math>``, which Markdown counts as a block-level tag.
    """

    def run(self, root: etree.Element) -> None:
        for el in list(root.iter()):
            if el.get("class") != "arithmatex" or el.tag not in {"span", "div"}:
                continue
            display = el.tag == "div" or el.get("data-display") == "block"
            # arithmatex escapes block TeX for HTML but not inline TeX.
            tex = html.unescape(el.text or "") if el.tag == "div" else el.text or ""
            new = _math_element(tex, display=display, block=el.tag == "div")
            el.tag, el.text = new.tag, new.text
            el.attrib.clear()
            el.attrib.update(new.attrib)
            el[:] = list(new)


class MathExtension(Extension):
    """``$...$`` and ``$$...$$`` (arithmatex's placeholders, and ``$$`` inside a paragraph)
    as MathML."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Below backticks (190) so code spans keep their dollars, above arithmatex (189.9).
        md.inlinePatterns.register(
            _InlineDisplayMath(_INLINE_DISPLAY_MATH_RE, md), "inline-display-math", 189.95
        )
        # After "inline" (20), where the placeholders are made, and "prettify" (10).
        md.treeprocessors.register(_MathTreeprocessor(md), "mathml", 5)

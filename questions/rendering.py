"""Render an answer's Markdown to sanitised HTML: :func:`render_answer` (no ORM, no templates).

The one renderer of answers: the import, the editors' revisions and previews and the re-render
task all call it. Called once when a question is saved; the stored HTML is printed as-is later,
so everything that makes it safe happens here:

1. Python-Markdown turns the text into HTML (tables, sane lists, fenced code
   highlighted by Pygments into CSS classes, ``$...$``/``$$...$$`` math turned
   into MathML by latex2mathml: ``markdown_math``).
2. Pseudo-tags that are not HTML elements (``<STOP>``, ``<Image, Caption>``) are
   escaped so their text shows instead of being swallowed as unknown markup; so are
   ``<script>`` and ``<style>`` tags, which would take their content (or, unclosed, the
   rest of the answer) with them.
3. nh3 cleans the result against the allowlist below.
4. Images and external links are rewritten on that clean, canonical HTML
   (placeholders for missing files, links instead of remote images).
5. nh3 cleans once more, so the allowlist is always the last word.

The output is plain HTML: it is never fed to a template engine, so ``{{``,
``{%`` and ``{instruction}`` are ordinary text.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings
from pygments.formatters import HtmlFormatter
from pygments.token import STANDARD_TYPES

from .markdown_math import MathExtension

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_CLASSES",
    "ALLOWED_TAGS",
    "HIGHLIGHT_CLASS",
    "PYGMENTS_STYLE",
    "pygments_css",
    "render_answer",
]

#: The Pygments style ``static/css/pygments.css`` is generated from (a light theme).
PYGMENTS_STYLE = "default"

#: Wrapper class pymdownx.highlight puts on code blocks; the stylesheet is scoped to it.
HIGHLIGHT_CLASS = "highlight"

_EXTERNAL_REL = "nofollow noopener noreferrer"
_ID_PREFIX = "md-"

# --------------------------------------------------------------------------- #
# Sanitiser allowlist
# --------------------------------------------------------------------------- #

# The MathML elements latex2mathml emits (checked against its converter and
# commands), plus semantics/annotation for hand-written MathML.
_MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "msup", "msub", "msubsup", "mfrac",
        "msqrt", "mroot", "mtext", "mspace", "mtable", "mtr", "mtd", "mover",
        "munder", "munderover", "mstyle", "semantics", "annotation", "mpadded",
        "mphantom", "menclose",
    }
)  # fmt: skip

_HTML_TAGS = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "br", "hr",
        "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
        "pre", "code", "kbd", "a", "blockquote", "strong", "em", "b", "i", "del",
        "sup", "sub", "img", "details", "summary",
    }
)  # fmt: skip

ALLOWED_TAGS = _HTML_TAGS | _MATHML_TAGS

# ``class`` is not listed here: its values are restricted by ALLOWED_CLASSES.
# ``style`` is never allowed (tables use the ``align`` attribute instead), nor is
# MathML ``href`` (``\href``), ``mathcolor``/``mathbackground`` (``\color``).
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "span": {"aria-label"},
    "details": {"open"},
    "ol": {"start"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mo": {
        "mathvariant", "stretchy", "fence", "form", "separator", "lspace", "rspace",
        "accent", "largeop", "movablelimits", "minsize", "maxsize", "symmetric",
    },
    "mfrac": {"linethickness"},
    "mspace": {"width", "height", "depth", "linebreak"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant", "mathsize"},
    "mtable": {"columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines",
               "rowlines", "displaystyle"},
    "mtr": {"columnalign", "rowalign"},
    "mtd": {"columnalign", "rowalign", "columnspan", "rowspan"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "menclose": {"notation"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "annotation": {"encoding"},
}  # fmt: skip

# Pygments token classes plus the wrappers pymdownx.highlight emits, and our own.
_CODE_CLASSES = {c for c in STANDARD_TYPES.values() if c} | {
    HIGHLIGHT_CLASS, "highlighttable", "filename", "linenos", "linenodiv", "normal",
    "special", "code", "hll",
}  # fmt: skip
ALLOWED_CLASSES: dict[str, set[str]] = {
    "div": _CODE_CLASSES,
    "pre": _CODE_CLASSES,
    "code": _CODE_CLASSES | {"math-tex"},
    "span": _CODE_CLASSES | {"img-missing", "img-remote"},
    "table": _CODE_CLASSES,
    "th": _CODE_CLASSES,
    "td": _CODE_CLASSES,
    "a": {"img-remote"},
}

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values={"span": {"role": {"img"}}, "math": {"display": {"block", "inline"}}},
    allowed_classes=ALLOWED_CLASSES,
    url_schemes={"http", "https", "mailto"},
    # Relative and #anchor URLs stay; a scheme outside url_schemes drops the attribute.
    url_relative="pass_through",
    # rel is set by _Rewriter on external links only.
    link_rel=None,
    strip_comments=True,
)

# Every element name an HTML parser knows. Anything else in angle brackets
# (``<STOP>``, ``<Image, Caption>``) is prose, escaped before sanitising so its
# text is shown; ``image`` is left out on purpose since parsers turn it into <img>.
_KNOWN_ELEMENTS = _MATHML_TAGS | frozenset(
    {
        "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b",
        "base", "basefont", "bdi", "bdo", "bgsound", "big", "blink", "blockquote", "body",
        "br", "button", "canvas", "caption", "center", "cite", "code", "col", "colgroup",
        "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt",
        "em", "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "frame",
        "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr",
        "html", "i", "iframe", "img", "input", "ins", "isindex", "kbd", "keygen", "label",
        "legend", "li", "link", "listing", "main", "map", "mark", "marquee", "menu",
        "menuitem", "meta", "meter", "multicol", "nav", "nextid", "nobr", "noembed",
        "noframes", "noscript", "object", "ol", "optgroup", "option", "output", "p", "param",
        "picture", "plaintext", "portal", "pre", "progress", "q", "rb", "rp", "rt", "rtc",
        "ruby", "s", "samp", "script", "search", "section", "select", "selectedcontent",
        "slot", "small", "source", "spacer", "span", "strike", "strong", "style", "sub",
        "summary", "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th",
        "thead", "time", "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr", "xmp",
        "maction", "maligngroup", "malignmark", "menclose", "merror", "mfenced", "mglyph",
        "mlabeledtr", "mlongdiv", "mmultiscripts", "mprescripts", "mscarries", "mscarry",
        "msgroup", "msline", "mstack", "msrow", "none", "annotation-xml",
    }
)  # fmt: skip
# The sanitiser drops these elements with everything in them, and an unclosed one takes the
# rest of the body with it; their tags are escaped too, so what was written shows as text.
_SHOWN_AS_TEXT = frozenset({"script", "style"})
# A start or end tag as an HTML tokenizer sees it: "<" or "</" then a letter.
_TAG_RE = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)")


def _new_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=[
            "tables",
            "sane_lists",
            "pymdownx.highlight",
            "pymdownx.superfences",
            "pymdownx.arithmatex",
            MathExtension(),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "pymdownx.highlight": {
                "use_pygments": True,
                "noclasses": False,
                "css_class": HIGHLIGHT_CLASS,
                "guess_lang": False,
                "pygments_lang_class": False,
            },
            "pymdownx.arithmatex": {
                "generic": True,
                "smart_dollar": True,
                "inline_syntax": ["dollar"],
                "block_syntax": ["dollar"],
                "tex_inline_wrap": ["", ""],
                "tex_block_wrap": ["", ""],
            },
        },
        output_format="html",
    )


# A Markdown instance is not thread-safe but costs ~4 ms to build: keep one per
# thread and reset() it before each use.
_local = threading.local()


def _markdown() -> markdown.Markdown:
    md: markdown.Markdown | None = getattr(_local, "md", None)
    if md is None:
        md = _local.md = _new_markdown()
    return md


# --------------------------------------------------------------------------- #
# Images, links and ids, rewritten on nh3's canonical output
# --------------------------------------------------------------------------- #


_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def _is_remote(url: str) -> bool:
    # As a browser reads it: tabs and newlines vanish and "\" counts as "/", so
    # "/\host/x.png" is as protocol-relative as "//host/x.png".
    url = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    scheme = _SCHEME_RE.match(url)
    return url.startswith("//") or (scheme is not None and scheme[1].lower() in {"http", "https"})


# Alt texts that name a file rather than describe a figure: "image-20250304163648618",
# "1710728491382-639e76c4.png", "image.png", a hash.
_FILE_LIKE = re.compile(
    r"^(?:[\w.-]+\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?)|(?:image|img|pasted|screenshot|截图|图片)"
    r"(?:[-_ ]?[\w-]*\d{4,}[\w-]*)?|[0-9a-f-]{12,}|[\w-]*\d{8,}[\w-]*)$",
    re.IGNORECASE,
)


# What a placeholder says when neither alt text nor title describes the figure (answers are
# Chinese text; stored HTML cannot follow the reader's language).
_FIGURE = "图"


def figure_caption(alt: str, title: str = "") -> str:
    """What a figure placeholder says: the alt text or the title (caption), unless it only
    names a file ("never a hashed file name"); "" when neither describes the figure."""
    for text in (alt.strip(), title.strip()):
        if text and not _FILE_LIKE.match(text):
            return text
    return ""


def _host(url: str) -> str:
    try:
        return urlsplit(url.replace("\\", "/")).hostname or ""
    except ValueError:
        return ""


def _image_exists(folder: Path, src: str) -> bool:
    """Whether ``src`` names a file inside ``folder``: "../../etc/passwd" is missing."""
    base = folder.resolve()
    try:
        candidate = (base / src).resolve()
        return candidate.is_relative_to(base) and candidate.is_file()
    except OSError:  # a name longer than the file system allows
        return False


def _attrs(attrs: list[tuple[str, str]]) -> str:
    return "".join(f' {name}="{html.escape(value)}"' for name, value in attrs)


class _Rewriter(HTMLParser):
    """Re-serialise sanitised HTML, rewriting ``<img>``, external links and ids."""

    def __init__(
        self, *, allow_remote_images: bool, images: Path, figures: Mapping[str, str]
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_remote_images = allow_remote_images
        self.images = images
        self.figures = figures
        self.out: list[str] = []
        self.link_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = [(name, value or "") for name, value in attrs]
        if tag == "img":
            self.out.append(self._image(dict(values)))
            return
        if tag == "a":
            self.link_depth += 1
            values = [(n, v) for n, v in values if n != "rel"]
            href = dict(values).get("href", "")
            if href.startswith("#"):
                values = [(n, "#" + _ID_PREFIX + v[1:] if n == "href" else v) for n, v in values]
            elif href and _is_remote(href):
                values.append(("rel", _EXTERNAL_REL))
        values = [(n, _ID_PREFIX + v if n == "id" else v) for n, v in values]
        self.out.append(f"<{tag}{_attrs(values)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.link_depth = max(0, self.link_depth - 1)
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def _image(self, attrs: dict[str, str]) -> str:
        src = attrs.get("src", "").strip()
        alt = attrs.get("alt", "").strip()
        if src and (copied := self.figures.get(src)):
            return self._img({**attrs, "src": copied})
        if src and _is_remote(src):
            if self.allow_remote_images:
                return self._img(attrs)
            # A placeholder for the figure: its caption, else the host it lives on.
            text = html.escape(figure_caption(alt, attrs.get("title", "")) or _host(src) or "…")
            if self.link_depth:  # a link cannot hold another link
                return f'<span class="img-remote" role="img" aria-label="{text}">{text}</span>'
            return (
                f'<a class="img-remote" href="{html.escape(src)}" rel="{_EXTERNAL_REL}">{text}</a>'
            )
        if src and _image_exists(self.images, src):
            return self._img(attrs)
        if not src and not alt:  # no usable source and nothing to say about it
            return ""
        # The same placeholder as a remote image's, without a link: its caption, never a
        # file name (a note's "image-20250304163648618.png" says nothing to a reader).
        label = html.escape(figure_caption(alt, attrs.get("title", "")) or _FIGURE)
        return f'<span class="img-missing" role="img" aria-label="{label}">{label}</span>'

    @staticmethod
    def _img(attrs: dict[str, str]) -> str:
        kept = [(n, v) for n, v in attrs.items() if n != "loading"]
        return f"<img{_attrs([*kept, ('loading', 'lazy')])}>"


def _escape_pseudo_tags(fragment: str) -> str:
    def escape(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        if name in _KNOWN_ELEMENTS and name not in _SHOWN_AS_TEXT:
            return m.group(0)
        return "&lt;" + m.group(0)[1:]

    return _TAG_RE.sub(escape, fragment)


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _without_reserved(text: str) -> str:
    """``text`` without STX and ETX: Markdown marks its stash placeholders with them, and they
    never belong in a note. (Looked for first: ``str.translate`` walks every character in
    Python, 80 us for a 1 kB answer.)"""
    if "\x02" in text or "\x03" in text:
        return text.replace("\x02", "").replace("\x03", "")
    return text


# What _Rewriter changes: images, links and element ids.
_REWRITTEN_RE = re.compile(r"<(?:img|a)[\s/>]|\sid=", re.IGNORECASE)


def render_answer(
    markdown_text: str,
    *,
    fixtures_dir: Path | None = None,
    allow_remote_images: bool | None = None,
    figures: Mapping[str, str] | None = None,
) -> str:
    """Return the sanitised HTML readers see for an answer's Markdown; deterministic and
    thread-safe. Reads no settings when both options are given (worker processes give them).

    Math (``$...$`` inline, ``$$...$$`` display) becomes MathML; TeX that
    latex2mathml rejects is shown as ``<code class="math-tex">``.

    Images: an image whose source ``figures`` maps (remote URL, or the site path of an image
    uploaded with a note -> URL of the copy in media storage, see :mod:`questions.figures`)
    becomes an ``<img>`` of the copy. Otherwise an http(s) image
    becomes ``<img loading="lazy">`` only when ``allow_remote_images`` (default:
    ``settings.QUESTION_REMOTE_IMAGES``) is true, else an ``<a class="img-remote">`` figure
    placeholder linking to it, so the reader's browser never fetches it; the placeholder
    says the alt text or title (:func:`figure_caption`), or the image's host, never a file
    name. Any other image becomes ``<img>`` if ``src`` (as written, entities decoded)
    names a file inside ``fixtures_dir`` (default: ``settings.QUESTION_FIXTURES_DIR``;
    ``..`` or an absolute path leading out of it counts as missing), else a
    ``<span class="img-missing" role="img">`` placeholder labelled with its caption
    (:func:`figure_caption`), or "图" when it has none: never a file name.

    Links keep only http, https, mailto and relative URLs; external ones get
    ``rel="nofollow noopener noreferrer"``. Element ids are prefixed with
    ``md-`` (and ``#anchor`` links with them) so they cannot clobber the page's.
    """
    # Lone surrogates (never valid text) would make the UTF-8 based sanitiser raise.
    text = _without_reserved(_SURROGATE_RE.sub("\ufffd", markdown_text))
    body = _markdown().reset().convert(text)
    clean = _CLEANER.clean(_escape_pseudo_tags(body))
    if _REWRITTEN_RE.search(clean) is None:
        # Nothing for the rewriter to change (it re-serialises the same tokens, about a third
        # of the rendering time): the last clean gives the same canonical HTML.
        return _CLEANER.clean(clean)
    rewriter = _Rewriter(
        allow_remote_images=(
            settings.QUESTION_REMOTE_IMAGES if allow_remote_images is None else allow_remote_images
        ),
        images=Path(settings.QUESTION_FIXTURES_DIR if fixtures_dir is None else fixtures_dir),
        figures=figures or {},
    )
    rewriter.feed(clean)
    rewriter.close()
    return _CLEANER.clean("".join(rewriter.out))


def pygments_css() -> str:
    """Return the stylesheet for highlighted code (``static/css/pygments.css``)."""
    css = HtmlFormatter(style=PYGMENTS_STYLE).get_style_defs(f".{HIGHLIGHT_CLASS}")
    # Pygments emits an unscoped "pre { line-height }" rule; keep it to code blocks.
    css = re.sub(r"^pre \{", f".{HIGHLIGHT_CLASS} pre {{", css, flags=re.MULTILINE)
    header = (
        f'/* Generated from the Pygments "{PYGMENTS_STYLE}" style; do not edit. Regenerate with\n'
        "   python -c 'from questions.rendering import pygments_css as c; print(c(), end=\"\")'"
        " > static/css/pygments.css */\n"
    )
    return header + css + "\n"


# --------------------------------------------------------------------------- #
# Sections of a long answer (its in-page table of contents)
# --------------------------------------------------------------------------- #

_HEADING_RE = re.compile(r"<(h[1-4])(\s[^>]*)?>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
_ID_ATTR_RE = re.compile(r"""\sid=["']([^"']+)["']""", re.IGNORECASE)
_TAG_STRIP_RE = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class AnswerSections:
    """``html`` with an id on every heading; ``toc``: ``(id, text)`` of each heading."""

    html: str
    toc: list[tuple[str, str]]


def answer_sections(body_html: str) -> AnswerSections:
    """The headings (h1-h4) of an answer rendered by :func:`render_answer`, for its table of
    contents. A heading without an id gets ``md-sec-N`` (the prefix of the answer's ids, so
    it cannot clobber the page's); the HTML is otherwise unchanged."""
    toc: list[tuple[str, str]] = []

    def visit(match: re.Match[str]) -> str:
        tag, attrs, inner = match.group(1), match.group(2) or "", match.group(3)
        found = _ID_ATTR_RE.search(attrs)
        anchor = found.group(1) if found else f"{_ID_PREFIX}sec-{len(toc) + 1}"
        text = " ".join(html.unescape(_TAG_STRIP_RE.sub("", inner)).split())
        if text:
            toc.append((anchor, text))
        if found:
            return match.group(0)
        return f'<{tag} id="{anchor}"{attrs}>{inner}</{tag}>'

    return AnswerSections(html=_HEADING_RE.sub(visit, body_html), toc=toc)

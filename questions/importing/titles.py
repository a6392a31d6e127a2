"""Titles of the sections of a note (pure: no Django): cleaning, numbering, question-ness.

``clean_title(raw)``
    Strips real HTML tags (``<font ...>``, ``<b>``), a trailing attribute block (``{#q1}``),
    trailing in-page links (``[返回目录](#目录)``), images, link targets (the link text stays),
    code-span backticks, bold (``**1. 标题**``, ``**Q1:** 标题``, ``什么是 **RAG**``), a
    question marker (``Q:``, ``问：``, ``问题1：``) and one leading number in any of the forms
    the notes use: ``1.`` ``28.`` ``3、`` ``4)`` (not followed by a digit, so "3.5 Turbo" keeps
    its number), hierarchical ``0-1-1 `` / ``2.1 `` / ``1.1`` before a space, ``Q1.``/``Q1 ``,
    ``（1）``/``(1)``, ``一、``/``（一）``, ``第一题：``/``第3题``; never ``2021年``, ``3.5-turbo``,
    ``7B``, ``QLoRA`` or ``Q-Former``. Then it removes whitespace between two Han characters or
    CJK punctuation (the ranges of :mod:`questions.search.tokens`), collapses ``？？``/``??``
    into one, collapses other whitespace runs and strips. Whitespace between a Latin word and a
    CJK character is *kept* as written ("Multi-query Attention 与 Grouped-query Attention
    区别是什么？" is unchanged): removing it would glue Latin words to Chinese text.

``number_label(raw)``
    The leading number as written ("3.", "Q2", "（1）", "第一题"), for provenance; "" if none.

``looks_like_question(title)``
    Whether a title asks something: a question mark, an interrogative (什么/如何/为什么/哪些/
    吗 ... what/why/how) or an interview imperative (介绍/解释/对比/谈谈 ...). Category names
    ("RAG应用", "解码策略") and paper titles do not.
"""

import html
import re
from functools import lru_cache

from ..search.tokens import CJK_PUNCTUATION, HAN
from .markup import strip_html_tags

_WS_BETWEEN_CJK = re.compile(rf"(?<=[{HAN}{CJK_PUNCTUATION}])\s+(?=[{HAN}{CJK_PUNCTUATION}])")
_REPEATED_QUESTION_MARK = re.compile(r"([？?])[？?]+")
_WS_RUN = re.compile(r"\s+")
_ATTRIBUTES = re.compile(r"\s*\{:?\s*[#.][^{}]*\}\s*$")
_WRAPPED = re.compile(r"^(\*\*|__)(?P<inner>(?:(?!\1).)+)\1$")
_WRAPPED_PREFIX = re.compile(r"^(\*\*|__)(?P<inner>[^*_]{1,12}?)\1\s*")
_TRAILING_ANCHORS = re.compile(r"(?:\s*\[[^\]]*\]\(#[^)]*\))+\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_CN_DIGITS = "一二三四五六七八九十百零〇两"
# A question marker: "Q:", "Q1：", "问：", "问题2:", "Question:" (the colon is required).
QUESTION_MARKER = re.compile(r"^(?:Q|Question|问题?)\s*\d{0,3}\s*[:：]\s*", re.IGNORECASE)
# One leading number; each alternative consumes its trailing separator and whitespace.
_LEADING_NUMBER = re.compile(
    r"^\s*(?P<label>"
    r"\d{1,4}\s*[.、．)）](?![\d.])"  # 1.  28.  3、  4)
    r"|\d+(?:[.\-]\d+)+\.?(?=\s)"  # 0-1-1 , 2.1 , 2.3.1
    r"|Q\d{1,4}(?:\s*[.:：、)）]|(?=\s))"  # Q1.  Q1:  Q1 (space)
    r"|[（(]\s*(?:\d{1,4}|[" + _CN_DIGITS + r"]{1,4})\s*[)）]"  # （1）  (2)  （一）
    r"|第\s*(?:\d{1,4}|["
    + _CN_DIGITS
    + r"]{1,4})\s*(?:(?:[题问章节篇类讲]|部分)\s*[:：、.．]?|[:：、.．])"  # 第一题：
    r"|[" + _CN_DIGITS + r"]{1,4}\s*[、.．]"  # 一、  二.
    r")\s*",
    re.IGNORECASE,
)


def _unwrap(text: str) -> str:
    if match := _WRAPPED.match(text):
        return match.group("inner").strip()
    return text


def _strip_markup(raw: str) -> str:
    title = html.unescape(strip_html_tags(raw)).strip()
    title = _ATTRIBUTES.sub("", title).strip()
    title = _TRAILING_ANCHORS.sub("", title).strip()  # "[返回目录](#目录)", "[↑](#top)"
    title = _IMAGE.sub("", title)
    title = _LINK.sub(r"\1", title)
    title = _CODE_SPAN.sub(r"\1", title)
    title = _unwrap(title)
    # "**1.** 标题" / "**Q1:** 标题": emphasis around the number or marker only.
    if (match := _WRAPPED_PREFIX.match(title)) and (
        _LEADING_NUMBER.fullmatch(match.group("inner") + " ")
        or QUESTION_MARKER.fullmatch(match.group("inner"))
    ):
        title = match.group("inner").strip() + " " + title[match.end() :]
    return title


def _strip_prefixes(title: str) -> tuple[str, str]:
    """(the title without its question marker and number, the number as written)."""
    label = ""
    if match := QUESTION_MARKER.match(title):
        label = re.sub(r"\s*[:：]\s*$", "", match.group(0)).strip()
        title = title[match.end() :]
        if not re.search(r"\d", label):
            label = ""
    if match := _LEADING_NUMBER.match(title):
        label = label or re.sub(r"[\s:：]+$", "", match.group("label"))
        title = title[match.end() :]
    return _unwrap(title.strip()), label


@lru_cache(maxsize=65536)
def clean_title(raw: str) -> str:
    """Clean a heading's text for display; see the module docstring for the rules."""
    title, _ = _strip_prefixes(_strip_markup(raw))
    title = _EMPHASIS.sub(r"\2", title)
    title = _WS_BETWEEN_CJK.sub("", title)
    title = _REPEATED_QUESTION_MARK.sub(r"\1", title)
    return _WS_RUN.sub(" ", title).strip()


@lru_cache(maxsize=65536)
def number_label(raw: str) -> str:
    """The leading number of a heading as written ("3.", "Q2", "（1）"), or ""."""
    return _strip_prefixes(_strip_markup(raw))[1]


_QUESTION_WORDS = re.compile(
    r"[？?]|什么|啥|如何|怎么|怎样|为什么|为何|哪些|哪个|哪种|哪几|哪里|是否|吗|多少|几种|几个|几类|"
    r"区别|异同|优缺点|优劣|介绍|解释|说说|说下|说一下|谈谈|讲讲|讲一下|简述|描述|对比|比较|"
    r"原理|作用|流程|难点|公式|估算|推导|分析一下|理解|"
    r"\b(?:what|why|how|when|which|who|explain|describe|compare|difference|define)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def looks_like_question(title: str) -> bool:
    """Whether ``title`` (cleaned or raw) asks something; see the module docstring."""
    return bool(_QUESTION_WORDS.search(title))

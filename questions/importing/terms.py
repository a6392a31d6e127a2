"""The words duplicates are found by (pure: no Django): a title's topic words, what it asks
(its intents) and its numbers (:func:`title_terms`); an answer's words with their term
frequencies (:func:`answer_terms`). Words are concepts
(:func:`questions.search.synonyms.concepts`: jieba words, synonyms as one concept)."""

import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from ..search.synonyms import concepts


def _split(words: str) -> list[str]:
    return words.split()


# Interview phrasing that carries no topic, as jieba words.
_FILLER_WORDS = frozenset(
    _split(
        "请 简要 简单 详细 具体 介绍 一下 下 说 说下 说说 谈谈 讲讲 讲 解释 你 对 的 理解 什么 "
        "是 啥 什么是 进行 方法 技术 吗 呢 了 中 和 与 及 以及 及其 有 都 目前 现在 当前 作用 "
        "架构 结构 模型 大多 大部分 大多数 一个 这个 如何 怎么 怎样 么 主流 常见 常用 问题 "
        "现象 内容 时候 时 分享 一些 过程 流程"
    )
)
# Phrases to drop before segmenting ("请介绍下QLora训练过程" asks for QLoRA itself).
_FILLER_PHRASES = re.compile(r"训练过程|的作用")
# Concepts nearly every title of the bank is about: they count only when nothing else is left.
_GENERIC = frozenset({"llm", "tuning"})
# What a title asks, beyond "what is / introduce": word -> intent.
_INTENTS = {
    **dict.fromkeys(_split("缓解 减轻 矫正 解决 避免 减少 应对 改善 降低 优化"), "mitigate"),
    **dict.fromkeys(_split("衡量 评估 评测 度量 评价"), "measure"),
    **dict.fromkeys(_split("检测 识别"), "detect"),
    **dict.fromkeys(_split("为什么 为何 原因 机制 产生 导致 出现"), "why"),
    **dict.fromkeys(_split("区别 对比 比较 vs 异同 不同"), "compare"),
    **dict.fromkeys(_split("优点 优势 好处 优缺点 缺点 不足 局限 局限性"), "merits"),
    **dict.fromkeys(_split("实现 步骤 计算"), "how"),
    **dict.fromkeys(_split("有哪些 哪些 哪几种 几种"), "list"),
}
_STOP_WORDS = frozenset(
    _split("的 是 了 在 和 与 及 或 等 也 就 都 而 被 对 将 把 中 为 有 这 那 一个 可以")
)
_YEAR = re.compile(r"(?<![0-9])(?:19|20)\d\d(?:年)?(?![0-9])")
_NUMBER_IN_WORD = re.compile(r"\d+")
_VERSION = re.compile(r"^v(\d+)$")
_IMAGE_OR_LINK_TARGET = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]*>|https?://\S+")


# concepts() gives words of letters and digits only: no punctuation to filter out.
type TitleTerms = tuple[frozenset[str], frozenset[str], frozenset[str]]


def title_terms(title: str) -> TitleTerms:
    """(topic words, intents, numbers) of a title."""
    topic: set[str] = set()
    intents: set[str] = set()
    without_years = _YEAR.sub(" ", title)
    for word in concepts(_FILLER_PHRASES.sub(" ", without_years), joined=False):
        if word in _INTENTS:
            intents.add(_INTENTS[word])
        elif not (word in _FILLER_WORDS or _VERSION.match(word)):
            topic.add(word)
    if topic - _GENERIC:
        topic -= _GENERIC
    numbers = _numbers(concepts(without_years, joined=False))
    return frozenset(topic), frozenset(intents), numbers


# A text's words with their term frequency, 1 + log(count), in the order they first occur.
type Terms = dict[str, float]


def without_link_targets(text: str) -> str:
    """``text`` with links and images as their text alone, HTML tags and URLs as spaces."""
    return _IMAGE_OR_LINK_TARGET.sub(r" \1 ", text)


def answer_terms(body: str) -> Terms:
    """The words of an answer (or any text) but stop words, with their term frequencies."""
    words = concepts(without_link_targets(body))
    counts = Counter(word for word in words if word not in _STOP_WORDS)
    return {word: 1 + _log(n) for word, n in counts.items()}


_log = cache(math.log)  # of a word's count in a text: small numbers, over and over


def _numbers(tokens: Iterable[str]) -> frozenset[str]:
    found = set()
    for token in tokens:
        if version := _VERSION.match(token):
            found.add(f"v{version.group(1)}")
        else:
            found.update(_NUMBER_IN_WORD.findall(token))
    return frozenset(found)

"""The question page's extension point for the apps above ``questions``.

An app shows each reader something of their own on every question page (``quizzes``: the
reader's bookmark and private note) by registering a :class:`ReaderBlock` in its
``AppConfig.ready()``; the bank never imports it. The page fetches the cache keys of every
block in its one cache read with the public page (``questions.caches.read_question_page``), so
a block whose state is cached costs no round trip of its own.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .caches import PageRead
from .models import Question


@dataclass(frozen=True)
class ReaderBlock:
    """One block of a reader's own on the question page, below the answer.

    ``cache_keys(user_id, question_id)`` names the keys to fetch with the page for a signed-in
    reader. ``context(user, question, read)`` (``user`` may be anonymous) returns the context
    ``template`` is rendered with (besides ``request`` and ``csrf_token``), from ``read.found``
    (the values of those keys) when they are there. It may set ``has_updates``: whether the
    reader has unread "answer updated" notices on the question, when the block's state knows;
    the page then reads the notices only when a block says so.
    """

    template: str
    cache_keys: Callable[[int, int], Sequence[str]]
    context: Callable[[Any, Question, PageRead], dict[str, Any]]


_blocks: list[ReaderBlock] = []


def register(block: ReaderBlock) -> None:
    """Add ``block`` to every question page (once, however often it is registered)."""
    if block not in _blocks:
        _blocks.append(block)


def registered() -> tuple[ReaderBlock, ...]:
    return tuple(_blocks)

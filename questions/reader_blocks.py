"""The question page's extension point for the apps above ``questions``.

An app shows each reader something of their own on every question page (``quizzes``: the
reader's bookmark and private note) by registering a :class:`ReaderBlock` in its
``AppConfig.ready()``; the bank never imports it. The public page is cached
(``questions.pages``); the blocks are not, so it depends on nothing of theirs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Question


@dataclass(frozen=True)
class ReaderBlock:
    """One block of a reader's own on the question page, below the answer.

    ``context(user, question)`` (``user`` may be anonymous) returns the context ``template`` is
    rendered with (besides ``request`` and ``csrf_token``). It may set ``has_updates``: whether the
    reader has unread "answer updated" notices on the question, when the block's state knows;
    the page then reads the notices only when a block says so. For an anonymous reader it must
    depend on the question alone: the page of readers without a session is kept whole
    (``questions.pages.kept_whole_page``).
    """

    template: str
    context: Callable[[Any, Question], dict[str, Any]]


_blocks: list[ReaderBlock] = []


def register(block: ReaderBlock) -> None:
    """Add ``block`` to every question page (once, however often it is registered)."""
    if block not in _blocks:
        _blocks.append(block)


def registered() -> tuple[ReaderBlock, ...]:
    return tuple(_blocks)

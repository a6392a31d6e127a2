"""The editors' side of the import pipeline: a thin adapter over ``questions.importing``.

The pages that import notes and write questions call these two functions and nothing else of
the pipeline, so that what the pipeline learns (new shapes of notes, better duplicate
detection) reaches the editors unchanged:

* :func:`parse_text` cuts one file's text into :class:`Parsed` items with
  :func:`questions.importing.sections.parse_note` (the function ``load_bank`` uses) and
  suggests tags and a difficulty with :mod:`questions.classify` (as the import does);
* :func:`likely_duplicates` finds the bank's questions one item may repeat: candidates from
  the search index (never a scan of the bank), scored pairwise with
  :func:`questions.importing.dedupe.group_duplicates`, so a "likely duplicate" here is exactly
  what the bulk import would merge or list as a candidate.
"""

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from .. import classify
from ..figures import figures_for, site_prefix
from ..importing.dedupe import group_duplicates
from ..importing.images import link_images, local_images, matcher
from ..importing.sections import Section, parse_note
from ..models import Question, Tag
from ..rendering import render_answer
from ..search.backends import search_questions
from ..search.tokens import tokenize

#: How many of the search's best matches per query are scored as possible duplicates.
SEARCH_CANDIDATES = 10
#: At most this many title words are searched for separately (besides the whole title).
SEARCH_WORDS = 6
#: At most this many likely duplicates are shown per item, most similar first.
MAX_DUPLICATES = 5


@dataclass(frozen=True)
class Parsed:
    """One section of a note as the preview shows it."""

    section: Section
    body_html: str
    suggested_tags: list[str]
    difficulty: str
    provenance: list[str]
    images: tuple[str, ...] = ()  # the uploaded images its answer shows, by file name


@dataclass(frozen=True)
class Likely:
    """A question of the bank an item may repeat."""

    id: int
    title: str
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "similarity": self.similarity}


@lru_cache(maxsize=1)
def _extra_keywords(path: Path) -> dict[str, Any]:
    """The keyword rules of ``tag-keywords.json`` (keywords, near and negative tables)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def tag_specs() -> list[classify.TagSpec]:
    """The tag specs of the bank's tags (their keywords and the fixtures' supplement), as the
    import builds them."""
    extra = _extra_keywords(Path(settings.QUESTION_FIXTURES_DIR) / "tag-keywords.json")
    entries = [
        {"tag": tag.slug, "level": tag.level, "keywords": tag.keywords}
        for tag in Tag.objects.only("slug", "level", "keywords")
    ]
    return classify.build_specs(entries, extra)


def _provenance(name: str, section: Section) -> list[str]:
    first = f"{name}:{section.heading_line}-{section.end_line} › {section.raw_title}"
    lines = [first]
    # What the parser may know beyond the heading (a category heading, its numbering); not
    # what the heading already says (a question's own number without a category: "1.").
    for attribute in ("provenance", "category", "categories"):
        value = getattr(section, attribute, None)
        if isinstance(value, str) and value:
            lines.append(value)
        elif isinstance(value, (list, tuple)):
            lines += [str(item) for item in value if item]
    return [first, *(line for line in dict.fromkeys(lines[1:]) if line not in first)]


def parse_text(
    name: str,
    text: str,
    specs: Sequence[classify.TagSpec],
    images: Mapping[str, str] | None = None,
    figures: Mapping[str, str] | None = None,
) -> list[Parsed]:
    """Every section the pipeline finds in ``text`` (a file called ``name``), with its rendered
    answer (``render_answer``, the one sanitiser), suggested tags, difficulty and provenance.

    ``images`` maps the file names of images uploaded with the note to the site paths they
    will be stored at: a section's Markdown shows them from there
    (:func:`questions.importing.images.link_images`), rendered through ``figures`` (site path
    -> URL of the copy) and the copies of remote images stored already."""
    levels = {spec.slug: spec.level for spec in specs}
    images = images or {}
    prefix = site_prefix()
    match = matcher(images)
    parsed = []
    for section in parse_note(name, text):
        shown = tuple(
            dict.fromkeys(
                found
                for src in local_images(section.body, site_prefix=prefix)
                if (found := match(src))
            )
        )
        if shown:
            body = link_images(section.body, images, site_prefix=prefix)
            section = dataclasses.replace(section, body=body)
        # A category heading ("RAG应用") weighs like the title, as in the bank's import.
        title_words = " ".join([section.title, *getattr(section, "categories", ())])
        slugs = classify.suggest_tags(title_words, section.body, specs)
        # Tags the parser suggests itself (a category heading), if it does.
        for slug in getattr(section, "tags", ()) or ():
            if slug in levels and slug not in slugs:
                slugs.append(slug)
        difficulty = classify.compute_difficulty(
            section.title, section.body, [levels.get(slug, 0) for slug in slugs]
        )
        parsed.append(
            Parsed(
                section=section,
                body_html=render_answer(
                    section.body, figures={**figures_for(section.body), **(figures or {})}
                ),
                suggested_tags=slugs,
                difficulty=difficulty,
                provenance=_provenance(name, section),
                images=shown,
            )
        )
    return parsed


def section_for(title: str, body: str = "", kind: str = Question.Kind.QUESTION) -> Section | None:
    """The section the pipeline makes of a question typed by an editor (None for no title)."""
    if not title.strip():
        return None
    sections = parse_note("typed", f"# {title.strip()}\n\n{body}")
    return dataclasses.replace(sections[0], kind=kind) if sections else None


def _candidate_ids(title: str) -> list[int]:
    visible = Question.objects.visible()
    ids = list(search_questions(visible, title).values_list("pk", flat=True)[:SEARCH_CANDIDATES])
    # The whole title must match for the search above; a rephrased question shares only some
    # words, so the title's longest words are searched for on their own as well.
    words = sorted(set(tokenize(title)), key=lambda word: (-len(word), word))[:SEARCH_WORDS]
    for word in words:
        found = search_questions(visible, word).values_list("pk", flat=True)
        ids += found[:SEARCH_CANDIDATES]
    return list(dict.fromkeys(ids))


def likely_duplicates(section: Section) -> list[Likely]:
    """The bank's visible questions of the same kind that :func:`group_duplicates` finds
    similar to ``section`` (merged or listed as candidates), most similar first."""
    ids = _candidate_ids(section.title)
    questions = Question.objects.filter(pk__in=ids, kind=section.kind).only(
        "pk", "kind", "title", "body_markdown", "has_answer"
    )
    found = []
    for question in questions:
        other = dataclasses.replace(
            section,
            title=question.title,
            raw_title=question.title,
            file_name=f"#{question.pk}",
            heading_line=0,
            end_line=0,
            original_text="",
            body=question.body_markdown,
            has_answer=question.has_answer,
        )
        groups, candidates = group_duplicates([section, other])
        scores = [d.similarity for g in groups for d in g.duplicates]
        scores += [c.similarity for c in candidates]
        if scores:
            found.append(Likely(question.pk, question.title, round(max(scores), 3)))
    found.sort(key=lambda likely: (-likely.similarity, likely.id))
    return found[:MAX_DUPLICATES]

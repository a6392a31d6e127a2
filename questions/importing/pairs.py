"""What the duplicate search leaves beside the merged questions: the unsure pairs listed for
editors with their evidence (:func:`store_candidates`) and the links between questions of
one series (:func:`link_series`). A pair already listed or linked, maybe decided by an
editor since, is left as it is."""

from collections.abc import Sequence

from ..models import DuplicateCandidate, SeriesLink
from .bulk import IMPORT_BATCH
from .dedupe import Candidate, MergeGroup, read_evidence, series_pairs
from .workers import Workers

#: Where each section went: (file name, heading line) -> the id of its question.
type Placed = dict[tuple[str, int], int]


def store_candidates(
    candidates: Sequence[Candidate], placed: Placed, pool: Workers | None = None
) -> None:
    """List the unsure duplicate pairs for editors (a pair already listed, maybe decided by
    an editor, is left as it is: its evidence is not even looked for). The evidence of the
    new pairs is found in ``pool``'s workers, or in-process."""
    listed = set(DuplicateCandidate.objects.values_list("question_id", "other_id"))
    # The first (highest) score of a pair of questions counts, as candidates come best first.
    new: dict[tuple[int, int], Candidate] = {}
    for candidate in candidates:
        first = placed.get((candidate.first.file_name, candidate.first.heading_line))
        second = placed.get((candidate.second.file_name, candidate.second.heading_line))
        if first and second and first != second:
            pair = (min(first, second), max(first, second))
            if pair not in listed:
                new.setdefault(pair, candidate)
    if pool is not None:
        read_evidence(new.values(), pool.imap)
    rows = []
    for (low, high), candidate in new.items():
        # Evidence is stored in the order of the pair's question ids.
        swapped = placed[(candidate.first.file_name, candidate.first.heading_line)] != low
        evidence = [[e[1], e[0], e[2]] if swapped else list(e) for e in candidate.evidence]
        rows.append(
            DuplicateCandidate(
                question_id=low,
                other_id=high,
                similarity=round(candidate.similarity, 3),
                evidence=evidence,
            )
        )
    DuplicateCandidate.objects.bulk_create(rows, batch_size=IMPORT_BATCH, ignore_conflicts=True)


def link_series(groups: list[MergeGroup], placed: Placed, pool: Workers) -> int:
    """Link the questions :func:`.dedupe.series_pairs` finds; a pair already linked, or
    unlinked by an editor, is left as it is. Returns how many links were created."""
    pairs = set()
    for first, second in series_pairs([group.canonical for group in groups], imap=pool.imap):
        ids = [placed.get((s.file_name, s.heading_line)) for s in (first, second)]
        if ids[0] and ids[1] and ids[0] != ids[1]:
            pairs.add((min(ids[0], ids[1]), max(ids[0], ids[1])))
    known = set(SeriesLink.objects.values_list("question_id", "other_id"))
    new = [SeriesLink(question_id=low, other_id=high) for low, high in sorted(pairs - known)]
    SeriesLink.objects.bulk_create(new, batch_size=IMPORT_BATCH, ignore_conflicts=True)
    return len(new)

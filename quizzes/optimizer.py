"""Fitting a learner's own FSRS parameters from their review log, with ``fsrs-rs-python``
(FSRS's Rust optimiser; no PyTorch). Pure: no database access.

A review log becomes FSRS training items as FSRS's optimiser expects them: per card, the
reviews in order with the days elapsed since the previous one (calendar days in ``tz``), and
one item per review that came at least a day after the one before (the item's history is
every review up to it; the model predicts its last one).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

import fsrs_rs_python as rs

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(rs.DEFAULT_PARAMETERS)
# Of the items in time order, the first part trains and the rest tests (a time-series split:
# the model is judged on reviews that came after every review it learnt from).
TRAIN_FRACTION = 0.75


@dataclass(frozen=True)
class Scores:
    log_loss: float
    rmse: float


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    items: int  # training items (reviews a day or more after the one before) in the log
    reviews: int
    default: Scores  # the default parameters on the test part of the split
    fitted: Scores  # parameters fitted on the train part, on the same test part


def training_items(
    reviews: Iterable[tuple[int, int, datetime]], tz: tzinfo
) -> list[tuple[datetime, rs.FSRSItem]]:
    """``(card, rating, at)`` reviews as ``(time of its last review, item)``, in time order."""
    by_card: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for card, rating, at in reviews:
        by_card[card].append((at, rating))
    items: list[tuple[datetime, rs.FSRSItem]] = []
    for history in by_card.values():
        history.sort()
        so_far: list[rs.FSRSReview] = []
        previous = history[0][0].astimezone(tz).date()
        for at, rating in history:
            day = at.astimezone(tz).date()
            delta = (day - previous).days
            so_far.append(rs.FSRSReview(rating, delta))
            if delta > 0:
                items.append((at, rs.FSRSItem(list(so_far))))
            previous = day
    items.sort(key=lambda pair: pair[0])
    return items


def _scores(parameters: Sequence[float], items: Sequence[rs.FSRSItem]) -> Scores:
    evaluation = rs.FSRS(list(parameters)).evaluate(list(items))
    return Scores(log_loss=evaluation.log_loss, rmse=evaluation.rmse_bins)


def compute_parameters(items: Sequence[rs.FSRSItem]) -> tuple[float, ...]:
    """FSRS parameters fitted to ``items`` (the defaults where the data says nothing)."""
    return tuple(rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(list(items)))


def fit(reviews: Sequence[tuple[int, int, datetime]], tz: tzinfo) -> Fit:
    """Fit parameters to the whole log, and score defaults against a fit on the earlier part
    of the log, both on its later part."""
    timed = training_items(reviews, tz)
    items = [item for _at, item in timed]
    if len(items) < 8:
        raise ValueError("too few reviews a day or more apart to fit parameters")
    cut = int(len(items) * TRAIN_FRACTION)
    train, test = items[:cut], items[cut:]
    return Fit(
        parameters=compute_parameters(items),
        items=len(items),
        reviews=len(reviews),
        default=_scores(DEFAULT_PARAMETERS, test),
        fitted=_scores(compute_parameters(train), test),
    )

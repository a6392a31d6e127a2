"""Choosing an interview's questions (pure: no database).

The caller passes every answered question that fits the filter; ``draw`` returns the ids to
ask, in order:

* the count is split across difficulties by the mix's weights (largest remainder); a
  difficulty the bank cannot fill is topped up from the other weighted difficulties;
* within a difficulty, questions the learner did not see recently come first, and topics are
  spread evenly: each pick takes a question of the chosen topic used least so far;
* the result is ordered easy -> hard, keeping the draw order within a difficulty.

The interview is shorter than asked only when the bank has too few matching questions.
"""

import math
import random
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

DIFFICULTY_ORDER = ("easy", "medium", "hard")


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    difficulty: str
    tags: frozenset[int]


def allocate(count: int, mix: Mapping[str, int]) -> dict[str, int]:
    """Split ``count`` across difficulties in proportion to ``mix`` (largest remainder).

    An empty or all-zero mix returns ``{}``: any difficulty will do.
    """
    weights = {name: weight for name, weight in mix.items() if weight > 0}
    total = sum(weights.values())
    if not total:
        return {}
    exact = {name: count * weight / total for name, weight in weights.items()}
    quota = {name: math.floor(share) for name, share in exact.items()}
    left = count - sum(quota.values())
    by_remainder = sorted(
        weights, key=lambda name: (-(exact[name] - quota[name]), DIFFICULTY_ORDER.index(name))
    )
    for name in by_remainder[:left]:
        quota[name] += 1
    return quota


def _pick(
    pool: Sequence[Candidate],
    n: int,
    topics: frozenset[int],
    used: Counter[int],
    taken: set[int],
    rng: random.Random,
) -> list[Candidate]:
    remaining = [c for c in pool if c.id not in taken]
    rng.shuffle(remaining)
    chosen: list[Candidate] = []
    while remaining and len(chosen) < n:
        if topics:
            # The shuffle makes min() a random choice among equally used topics.
            best = min(
                remaining,
                key=lambda c: min((used[t] for t in c.tags & topics), default=math.inf),
            )
        else:
            best = remaining[0]
        remaining.remove(best)
        chosen.append(best)
        taken.add(best.id)
        used.update(best.tags & topics)
    return chosen


def draw(
    candidates: Sequence[Candidate],
    *,
    count: int,
    mix: Mapping[str, int],
    topics: Collection[int] = (),
    avoid: Collection[int] = (),
    rng: random.Random | None = None,
) -> list[int]:
    """Ids of up to ``count`` questions from ``candidates`` (see the module docstring)."""
    rng = rng or random.Random()  # noqa: S311 - picking questions, not secrets
    topic_set = frozenset(topics)
    avoid_set = set(avoid)
    quota = allocate(count, mix)
    allowed = [c for c in candidates if not quota or c.difficulty in quota]
    used: Counter[int] = Counter()
    taken: set[int] = set()
    chosen: list[Candidate] = []

    def fill(pool: Sequence[Candidate], n: int) -> None:
        fresh = [c for c in pool if c.id not in avoid_set]
        seen = [c for c in pool if c.id in avoid_set]
        got = _pick(fresh, n, topic_set, used, taken, rng)
        got += _pick(seen, n - len(got), topic_set, used, taken, rng)
        chosen.extend(got)

    for name in DIFFICULTY_ORDER:
        if quota.get(name):
            fill([c for c in allowed if c.difficulty == name], quota[name])
    fill(allowed, count - len(chosen))
    rank = {name: i for i, name in enumerate(DIFFICULTY_ORDER)}
    order = {c.id: i for i, c in enumerate(chosen)}
    chosen.sort(key=lambda c: (rank.get(c.difficulty, len(rank)), order[c.id]))
    return [c.id for c in chosen]

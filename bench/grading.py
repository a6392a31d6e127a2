"""The grader's figures: agreement with hand scores and time per answer.

Run with `.venv/bin/python bench/grading.py`. Pure Python, no database: it grades the 210
hand-scored answers of tests/data/grading-calibration.json against the key points of
fixtures/keypoints.json and writes to bench/results/grading.txt:

* Spearman's rho between the automatic scores (0..1) and the hand scores (0-3), overall and
  per language, and the mean automatic score per kind of answer;
* milliseconds per answer (median, p99, max over ``ROUNDS`` rounds, warm), against the
  baseline of segmenting the same answer with rjieba alone in the same run.
"""

import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import rjieba  # noqa: E402

from questions.grading import grade, normalise, parse_key_points, spearman  # noqa: E402

ROUNDS = 20
OUTPUT = ROOT / "bench" / "results" / "grading.txt"


def main() -> None:
    shipped = json.loads((ROOT / "fixtures" / "keypoints.json").read_text(encoding="utf-8"))
    cases = json.loads(
        (ROOT / "tests" / "data" / "grading-calibration.json").read_text(encoding="utf-8")
    )
    points = {key: parse_key_points(entry["key_points"]) for key, entry in shipped.items()}
    scores = [grade(points[case["question"]], case["answer"]).score for case in cases]
    hand = [case["score"] for case in cases]
    lines = [
        f"answers {len(cases)} over {len({c['question'] for c in cases})} questions",
        f"spearman rho (all) {spearman(scores, hand):.3f}",
    ]
    by_language: dict[str, tuple[list[float], list[int]]] = defaultdict(lambda: ([], []))
    by_kind: dict[str, list[float]] = defaultdict(list)
    for case, score in zip(cases, scores, strict=True):
        by_language[case["language"]][0].append(score)
        by_language[case["language"]][1].append(case["score"])
        by_kind[case["kind"]].append(score)
    for language, (auto, manual) in sorted(by_language.items()):
        lines.append(f"spearman rho ({language}, {len(auto)}) {spearman(auto, manual):.3f}")
    for kind, values in sorted(by_kind.items()):
        lines.append(f"mean automatic score ({kind}) {statistics.mean(values):.2f}")

    grading_ms: list[float] = []
    baseline_ms: list[float] = []
    for _ in range(ROUNDS):
        for case in cases:
            started = time.perf_counter()
            grade(points[case["question"]], case["answer"])
            grading_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            rjieba.cut(normalise(case["answer"]))
            baseline_ms.append((time.perf_counter() - started) * 1000)
    grading_ms.sort()
    median = statistics.median(grading_ms)
    base = statistics.median(baseline_ms)
    lines += [
        f"ms per answer: median {median:.3f}, p99 {grading_ms[int(0.99 * len(grading_ms))]:.3f}, "
        f"max {grading_ms[-1]:.3f} ({len(grading_ms)} gradings)",
        f"baseline (rjieba segmentation of the answer alone): median {base:.3f} ms; "
        f"grading = {median / base:.1f}x the baseline",
    ]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

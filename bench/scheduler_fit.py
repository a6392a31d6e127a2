"""Default against fitted FSRS parameters on simulated learners (no database, no server).

Run with `make bench-scheduler` (or `.venv/bin/python bench/scheduler_fit.py [LEARNERS]`).
Each simulated learner (``quizzes.simulation``) has its own "true" memory parameters (the
defaults, each scaled by up to ±35%) and studies every day for a number of days, scheduled
with the defaults. For each learner the review log goes through ``quizzes.optimizer.fit``
exactly as the app runs it: the earlier 75% of the review items train, the later 25% test,
and the defaults are scored on the same later part. Writes the mean log loss and RMSE of
both, and how many learners the fit improved, to bench/results/scheduler_fit.txt.
"""

import os
import statistics
import sys
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

from quizzes import optimizer  # noqa: E402  (after the path is set)
from quizzes.simulation import simulate_learner  # noqa: E402

# (cards, days, new per day): about 600, 1,500 and 3,500 reviews per learner.
SIZES = [(60, 90, 6), (150, 120, 10), (300, 200, 12)]


def main() -> None:
    learners = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    lines = [f"# Default vs fitted FSRS parameters, {learners} simulated learners per size", ""]
    lines.append(
        "| reviews per learner (mean) | log loss default | log loss fitted | RMSE default "
        "| RMSE fitted | fit better (log loss) | fit time per learner |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    for cards, days, new in SIZES:
        rows = []
        started = time.perf_counter()
        for seed in range(learners):
            log = simulate_learner(seed=1000 + seed, cards=cards, days=days, new_per_day=new)
            fit = optimizer.fit([(r.card, r.rating, r.at) for r in log], UTC)
            rows.append((len(log), fit))
        seconds = (time.perf_counter() - started) / learners
        mean = statistics.fmean
        lines.append(
            f"| {mean(n for n, _ in rows):.0f} "
            f"| {mean(f.default.log_loss for _, f in rows):.4f} "
            f"| {mean(f.fitted.log_loss for _, f in rows):.4f} "
            f"| {mean(f.default.rmse for _, f in rows):.4f} "
            f"| {mean(f.fitted.rmse for _, f in rows):.4f} "
            f"| {sum(f.fitted.log_loss < f.default.log_loss for _, f in rows)}/{learners} "
            f"| {seconds:.2f} s (incl. simulation) |"
        )
        print(lines[-1], flush=True)
    out = ROOT / "bench" / "results" / "scheduler_fit.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

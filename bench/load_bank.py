"""Time loading the question bank: a first load into an empty database and a re-run.

Run with `DJANGO_DEBUG=1 .venv/bin/python bench/load_bank.py` (DATABASE_URL for PostgreSQL).
It uses a throw-away SQLite file (or the DATABASE_URL database's `bench_` copy when
PostgreSQL is configured) and writes the figures to bench/results/load_bank.txt.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from questions.importing import pipeline  # noqa: E402


def main() -> None:
    config = setup_databases(verbosity=0, interactive=False)
    try:
        fixtures = Path(settings.QUESTION_FIXTURES_DIR)
        started = time.perf_counter()
        first = pipeline.import_bank(fixtures_dir=fixtures)
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = pipeline.import_bank(fixtures_dir=fixtures)
        second_seconds = time.perf_counter() - started
    finally:
        teardown_databases(config, verbosity=0)
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    lines = [
        f"database: {vendor}",
        f"sections parsed: {first.sections} from {first.files} files",
        f"questions: {first.questions}, study notes: {first.notes}",
        f"merged duplicates: {first.merged_exact} exact, {first.merged_near} near; "
        f"candidates for editors: {first.candidates}",
        f"editorial flags: {first.flags_created}; answers under revision: {first.under_revision}",
        f"first load: {first_seconds:.2f} s",
        f"re-run: {second_seconds:.2f} s ({second_seconds / first_seconds:.0%} of the first), "
        f"changed anything: {second.changed}",
    ]
    out = ROOT / "bench" / "results" / f"load_bank_{vendor}.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.importing import pipeline
from questions.tasks import rerender_bank

STAGES = {"parse": "parsing", "questions": "questions"}
#: Without a terminal, progress is a line every this many percent of a stage.
LINE_EVERY_PERCENT = 10


class Command(BaseCommand):
    help = (
        "Load the question bank from the notes in fixtures/ (idempotent: a second run changes "
        "nothing and never overwrites a revision an editor published)."
    )

    _stage: str | None = None
    _last_line: tuple[str, int] | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=Path(settings.QUESTION_FIXTURES_DIR),
            help="Folder holding the notes (*.txt, *.md, *.markdown), taxonomy.json and "
            "editorial-review.json.",
        )
        parser.add_argument(
            "--rerender",
            action="store_true",
            help="Only render and index every answer again, as a background task "
            "(after changing QUESTION_REMOTE_IMAGES).",
        )

    def handle(self, *args: object, fixtures: Path, rerender: bool, **options: object) -> None:
        if rerender:
            result = rerender_bank.enqueue()
            if result.is_finished:
                self.stdout.write(self.style.SUCCESS(f"Re-rendered {result.return_value} answers."))
            else:
                self.stdout.write(f"Queued re-rendering as task {result.id}.")
            return
        if not (fixtures / "taxonomy.json").is_file():
            raise CommandError(f"{fixtures} has no taxonomy.json: is it the fixtures folder?")
        progress = None
        if int(str(options.get("verbosity", 1))) >= 1:
            progress = self._bar if self.stdout.isatty() else self._lines
        started = time.monotonic()
        report = pipeline.import_bank(fixtures_dir=fixtures, progress=progress)
        if progress == self._bar:
            self.stdout.write("")
        self.stdout.write(
            f"{report.files} files, {report.sections} sections -> {report.questions} questions, "
            f"{report.notes} study notes; merged {report.merged_exact} exact and "
            f"{report.merged_near} near duplicates; {report.candidates} duplicate candidates "
            f"for editors; {report.flags_created} new editorial flags; "
            f"{report.under_revision} answers under revision."
        )
        self.stdout.write(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
            f"kept editors' revisions {report.kept_editorial}; sources moved or changed in "
            f"{report.sources_changed} unchanged questions; "
            f"tags created or changed {report.tags_changed}."
        )
        self.stdout.write(
            f"key points and follow-ups changed on {report.key_points_changed} questions."
        )
        for where in report.key_points_unmatched:
            self.stderr.write(f"warning: no question at {where} for its key points")
        for name, why in report.skipped_files:
            self.stderr.write(f"warning: skipped {name}: {why}")
        for where in report.flags_unmatched:
            self.stderr.write(f"warning: no question at {where} for an editorial finding")
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Bank loaded.' if report.changed else 'Nothing to change.'} "
                f"({time.monotonic() - started:.1f} s)"
            )
        )

    def _bar(self, stage: str, done: int, total: int) -> None:
        """A bar redrawn in place, for a terminal."""
        width = 30
        filled = width * done // max(total, 1)
        if stage != self._stage and self._stage is not None:
            self.stdout.write("")
        self._stage = stage
        bar = f"{'#' * filled}{'.' * (width - filled)}"
        self.stdout.write(f"\r{STAGES[stage]:<10} [{bar}] {done}/{total}", ending="")
        self.stdout.flush()

    def _lines(self, stage: str, done: int, total: int) -> None:
        """One line per ``LINE_EVERY_PERCENT`` step, for logs and pipes (no carriage returns)."""
        percent = 100 * done // max(total, 1)
        step = percent - percent % LINE_EVERY_PERCENT
        if (stage, step) == self._last_line:
            return
        self._last_line = (stage, step)
        self.stdout.write(f"{STAGES[stage]}: {step}% ({done}/{total})")
        self.stdout.flush()

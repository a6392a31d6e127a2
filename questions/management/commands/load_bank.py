import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions import services
from questions.tasks import rerender_bank


class Command(BaseCommand):
    help = (
        "Load the question bank from the notes in fixtures/ (idempotent: a second run changes "
        "nothing and never overwrites a revision an editor published)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=Path(settings.QUESTION_FIXTURES_DIR),
            help="Folder holding the *.txt notes, taxonomy.json and editorial-review.json.",
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
        show_progress = int(str(options.get("verbosity", 1))) >= 1 and sys.stdout.isatty()
        report = services.import_bank(
            fixtures_dir=fixtures, progress=self._progress if show_progress else None
        )
        if show_progress:
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
            f"kept editors' revisions {report.kept_editorial}."
        )
        for where in report.flags_unmatched:
            self.stderr.write(f"warning: no question at {where} for an editorial finding")
        self.stdout.write(
            self.style.SUCCESS("Bank loaded." if report.changed else "Nothing to change.")
        )

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stdout.flush()

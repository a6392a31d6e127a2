import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from questions.assessment import dispute_as_calibration
from questions.models import GradeDispute


class Command(BaseCommand):
    help = (
        "Write contested grades as entries of the calibration set "
        "(tests/data/grading-calibration.json format) to a file or standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args: object, output: Path | None, **options: object) -> None:
        disputes = GradeDispute.objects.select_related("question").order_by("created_at", "id")
        text = json.dumps(
            [dispute_as_calibration(dispute) for dispute in disputes], ensure_ascii=False, indent=1
        )
        if output is None:
            self.stdout.write(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Wrote {disputes.count()} contested grades to {output}.")

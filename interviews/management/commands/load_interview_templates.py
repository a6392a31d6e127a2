import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviews import catalogue, services


class Command(BaseCommand):
    help = (
        "Create the interview templates shipped in fixtures/interview-templates.json "
        "(idempotent: existing templates, and editors' changes to them, are kept). "
        "Run after load_bank: templates refer to its tags."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=Path(settings.QUESTION_FIXTURES_DIR) / "interview-templates.json",
        )

    def handle(self, *args: object, file: Path, **options: object) -> None:
        try:
            entries = json.loads(file.read_text(encoding="utf-8"))["templates"]
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read the templates from {file}: {error}") from error
        try:
            created, kept = catalogue.load_templates(entries=entries)
        except services.InterviewError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Interview templates: {created} created, {kept} kept.")
        )

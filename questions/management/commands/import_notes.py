from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions.importing import notes as importing_notes
from questions.importing.decoding import NOTE_SUFFIXES, UnreadableNote


class Command(BaseCommand):
    help = (
        "Add interview notes (.md, .markdown, .txt) to the existing question bank and report "
        "what each file held. Idempotent: the same file again changes nothing; a changed file "
        "updates the questions no editor has revised."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="Note files to import.")

    def handle(self, *args: object, files: list[Path], **options: object) -> None:
        notes = []
        for path in files:
            if path.suffix.lower() not in NOTE_SUFFIXES:
                raise CommandError(
                    f"{path}: not a note file (reads {', '.join(NOTE_SUFFIXES)}); nothing imported"
                )
            try:
                notes.append((path.name, path.read_bytes()))
            except OSError as error:
                raise CommandError(
                    f"{path}: cannot read it ({error.strerror}); nothing imported"
                ) from error
        try:
            result = importing_notes.import_notes(notes=notes)
        except UnreadableNote as error:
            raise CommandError(f"{error}; nothing imported") from error
        for file_result in result.files:
            for line in file_result.report_lines():
                self.stdout.write(line)
        bank = result.bank
        self.stdout.write(
            f"created {bank.created}, updated {bank.updated}, unchanged {bank.unchanged}, "
            f"kept editors' revisions {bank.kept_editorial}; merged {bank.merged_exact} exact "
            f"and {bank.merged_near} near duplicates; {bank.candidates} duplicate candidates "
            "for editors."
        )
        self.stdout.write(
            self.style.SUCCESS("Notes imported." if bank.changed else "Nothing to change.")
        )

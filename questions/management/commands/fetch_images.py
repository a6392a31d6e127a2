from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from questions import figures


class Command(BaseCommand):
    help = (
        "Copy the remote images the answers show into media storage, from the hosts the "
        "operator allows (QUESTION_FIGURE_HOSTS or --host), so readers never hot-link them. "
        "PNG, JPEG, GIF and WebP up to QUESTION_FIGURE_MAX_BYTES; SVG is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            action="append",
            dest="hosts",
            help="A host to copy images from (repeatable); default: QUESTION_FIGURE_HOSTS.",
        )

    def handle(self, *args: object, hosts: list[str] | None, **options: object) -> None:
        allowed = hosts if hosts is not None else settings.QUESTION_FIGURE_HOSTS
        if not allowed:
            raise CommandError("No host is allowed: set QUESTION_FIGURE_HOSTS or give --host HOST.")
        report = figures.fetch_figures(hosts=allowed)
        for url, why in report.refused:
            self.stderr.write(f"refused {url}: {why}")
        for host in report.not_allowed:
            self.stdout.write(f"not allowed: images on {host} stay placeholders")
        self.stdout.write(
            self.style.SUCCESS(
                f"Copied {len(report.copied)} images, refused {len(report.refused)}; "
                f"{report.rerendered} answers rendered again."
            )
        )

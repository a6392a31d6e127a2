from django.core.management.base import BaseCommand

from interviews import services


class Command(BaseCommand):
    help = (
        "Finish the interviews whose deadline passed while nobody was looking "
        "(finish time = deadline). Safe to run as often as you like, e.g. every minute."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = services.expire_due_attempts()
        self.stdout.write(f"Expired {count} interviews.")

from django.core.management.base import BaseCommand, CommandParser

from quizzes import reminders, tasks


class Command(BaseCommand):
    help = (
        "Send today's reminder email (due today, streak, plan) to every learner who opted in. "
        "At most one a day each, so it is safe to run hourly from cron; --enqueue hands the "
        "work to the task worker instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args: object, enqueue: bool, **options: object) -> None:
        if enqueue:
            tasks.send_daily_reminders.enqueue()
            self.stdout.write("Queued today's reminders.")
            return
        self.stdout.write(f"Sent {reminders.send_daily_reminders()} reminders.")

from django.core.management.base import BaseCommand, CommandParser

from quizzes import learner_scheduler, tasks


class Command(BaseCommand):
    help = (
        "Fit the FSRS parameters of every learner due a refit (enough reviews; no fit yet, or "
        "one a week old with reviews since) and reschedule their cards. Run weekly from cron; "
        "--enqueue hands the work to the task worker instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true")

    def handle(self, *args: object, enqueue: bool, **options: object) -> None:
        if enqueue:
            tasks.optimize_schedulers.enqueue()
            self.stdout.write("Queued the weekly refit.")
            return
        count = learner_scheduler.optimize_due()
        self.stdout.write(f"Fitted {count} learners' schedulers.")

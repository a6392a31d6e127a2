from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interviewprep.models import User
from interviewprep.roles import Role, grant_role, revoke_role


class Command(BaseCommand):
    help = "Grant a role (editor, reviewer, staff) to a user, or revoke it with --revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="the user's email address (any case)")
        parser.add_argument("role", help="one of: " + ", ".join(Role.values))
        parser.add_argument("--revoke", action="store_true", help="take the role away instead")

    def handle(self, *args: Any, email: str, role: str, revoke: bool, **options: Any) -> None:
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}.")
        try:
            user = User.objects.get_by_natural_key(email)
        except User.DoesNotExist:
            raise CommandError(f"No user with the email address {email!r}.") from None
        try:
            (revoke_role if revoke else grant_role)(user=user, role=role)
        except ValueError as error:
            raise CommandError(str(error)) from error
        verb = "Revoked" if revoke else "Granted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} for {user.email}."))

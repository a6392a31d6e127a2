#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewprep.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # Most often a development checkout without DJANGO_DEBUG: one clear line, no traceback.
        sys.exit(
            f"manage.py: {error} On a development machine run it as "
            "`DJANGO_DEBUG=1 .venv/bin/python manage.py ...` or use the make targets "
            "(make createsuperuser, make backup, make restore); in production set the "
            "variables of the README's Deployment section."
        )


if __name__ == "__main__":
    main()

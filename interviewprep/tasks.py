"""Background work for accounts, run by Django's tasks framework (see ``questions/tasks.py``)."""

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from .models import User


@task()
def send_password_changed_notice(*, user_id: int, reset_url: str, language: str) -> None:
    """Tell a person by email that their password was changed, with a way back in if it was
    not them (ASVS 2.2.3)."""
    user = User.objects.get(pk=user_id)
    with translation.override(user.ui_language or language):
        context = {"user": user, "reset_url": reset_url}
        subject = render_to_string("registration/password_changed_subject.txt", context)
        body = render_to_string("registration/password_changed_email.txt", context)
    send_mail(subject.strip(), body, None, [user.email])

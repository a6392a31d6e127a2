from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewPrepConfig(AppConfig):
    name = "interviewprep"
    verbose_name = _("InterviewPrep")

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from questions.models import Question, Tag

from .models import MAX_DURATION_MINUTES, MAX_QUESTIONS, Attempt, InterviewTemplate
from .services import Criteria


class CustomInterviewForm(forms.Form):
    """A learner's own interview: topics, difficulties, number of questions, duration."""

    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Tag.objects.all(),
        to_field_name="slug",
        required=False,
        help_text=_("None chosen means any topic."),
    )
    difficulty = forms.MultipleChoiceField(
        label=_("Difficulty"),
        choices=Question.Difficulty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    count = forms.IntegerField(
        label=_("Number of questions"), min_value=1, max_value=MAX_QUESTIONS, initial=5
    )
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES, initial=20
    )
    layout = forms.ChoiceField(
        label=_("Layout"), choices=Attempt.Layout.choices, initial=Attempt.Layout.ONE
    )

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        return Criteria(
            count=data["count"],
            minutes=data["minutes"],
            tag_slugs=tuple(tag.slug for tag in data["tags"]),
            difficulty_mix=dict.fromkeys(data["difficulty"], 1),
        )


class StartTemplateForm(forms.Form):
    template = forms.ModelChoiceField(queryset=InterviewTemplate.objects.filter(is_active=True))
    layout = forms.ChoiceField(choices=Attempt.Layout.choices, initial=Attempt.Layout.ONE)


class TemplateForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Tag.objects.all(), required=False
    )

    class Meta:
        model = InterviewTemplate
        fields = (
            "name",
            "slug",
            "description",
            "duration_minutes",
            "question_count",
            "tags",
            "difficulty_mix",
            "is_active",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = list(self.instance.tags.all())

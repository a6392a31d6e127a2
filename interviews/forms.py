from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interviewprep.fields import CountField, IdField
from questions.forms import IdListField
from questions.models import Question, Tag

from .models import MAX_DURATION_MINUTES, MAX_QUESTIONS, Attempt, InterviewTemplate
from .services import Assessment, Criteria


class CustomInterviewForm(forms.Form):
    """A learner's own interview: topics, difficulties, number of questions, duration."""

    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Tag.objects.all(),
        to_field_name="slug",
        required=False,
        help_text=_("None chosen means any topic."),
        # Checkable chips (site.css), not a list that needs Ctrl-click to choose several.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip"}),
    )
    difficulty = forms.MultipleChoiceField(
        label=_("Difficulty"),
        choices=Question.Difficulty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip"}),
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
        label=_("Topics"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip"}),
    )

    class Meta:
        model = InterviewTemplate
        fields = (
            "name",
            "name_en",
            "slug",
            "description",
            "description_en",
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


class AnswerForm(forms.Form):
    """One answer of the attempt page's form (the page without JavaScript posts it). Its
    fields are named ``text-<question id>``, ``saves-...``, ``marked-...``, ``seconds-...``:
    one form per answer shown, the question's id as its prefix after the name.
    ``answers.save_answer`` checks the values."""

    text = forms.CharField(required=False, strip=False)
    saves = CountField(required=False)
    marked = forms.BooleanField(required=False)
    seconds = CountField(required=False)

    def __init__(self, data: Any, *, question_id: int) -> None:
        super().__init__(data, prefix=str(question_id))

    def add_prefix(self, field_name: str) -> str:
        return f"{field_name}-{self.prefix}"


class FollowUpAnswerForm(forms.Form):
    """The answer to one follow-up shown on the attempt page (``followup-<follow-up id>``);
    ``followups.save_follow_up`` checks it."""

    followup = forms.CharField(required=False, strip=False)

    def __init__(self, data: Any, *, follow_up_id: int) -> None:
        super().__init__(data, prefix=str(follow_up_id))

    def add_prefix(self, field_name: str) -> str:
        return f"{field_name}-{self.prefix}"


class AttemptSaveForm(forms.Form):
    """The rest of the attempt page's form: the answers it shows and where to go next."""

    shown = IdListField(required=False)
    fshown = IdListField(required=False)
    goto = CountField(required=False)
    stay = CountField(required=False)
    action = forms.CharField(required=False)

    def next_position(self) -> int:
        """The question to show next: the one asked for, else the one shown, else the first
        (read from what parses, also when the rest does not)."""
        self.is_valid()
        return self.cleaned_data.get("goto") or self.cleaned_data.get("stay") or 1


class LayoutForm(forms.Form):
    layout = forms.CharField(required=False)


class AssessmentForm(forms.Form):
    """The learner's self-assessment of one answer; ``services.record_review`` checks the
    values (a score from 0 to ``MAX_SELF_SCORE``, key points of the reference answer)."""

    question = IdField(widget=forms.HiddenInput)
    score = CountField(required=False)
    points = IdListField(required=False)

    def assessment(self) -> Assessment:
        data = self.cleaned_data
        return Assessment(
            question_id=data["question"], score=data["score"], points=tuple(data["points"])
        )


#: The review page's form: one :class:`AssessmentForm` per question of the attempt.
AssessmentFormSet = forms.formset_factory(
    AssessmentForm, extra=0, max_num=MAX_QUESTIONS, validate_max=True
)


class ContestForm(forms.Form):
    """A learner contesting the automatic grade of one answer (``assessment.contest_grade``
    checks the values). Fields carry the question's id after their name, as on the review."""

    score = forms.IntegerField(required=False)
    comment = forms.CharField(required=False)

    def __init__(self, data: Any, *, question_id: int) -> None:
        super().__init__(data, prefix=str(question_id))

    def add_prefix(self, field_name: str) -> str:
        return f"contest-{field_name}-{self.prefix}"

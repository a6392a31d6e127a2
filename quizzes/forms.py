from django import forms
from django.utils.translation import gettext_lazy as _

from interviewprep.fields import CountField, IdField
from questions.models import Question, Tag

from .models import Note, Rating
from .services import MAX_ATTEMPT_LENGTH


class ReviewForm(forms.Form):
    question = IdField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        choices=Rating.choices,
        coerce=int,
        error_messages={"required": _("Rate your recall: Again, Hard, Good or Easy.")},
    )
    attempt = forms.CharField(
        label=_("Your attempt (optional)"),
        required=False,
        strip=False,
        max_length=MAX_ATTEMPT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    expected_reps = CountField(required=False, widget=forms.HiddenInput)
    deck = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def in_deck(self) -> bool:
        """Whether the card came from the learner's deck (read even when the rest is invalid,
        to show the right next card)."""
        return bool(self.fields["deck"].clean(self["deck"].data))


class DeckForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.order_by("level", "slug"),
        to_field_name="slug",
        required=False,
        label=_("Tags"),
        # Checkable chips (site.css), not a list that needs Ctrl-click to choose several.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "chip"}),
    )
    difficulty = forms.ChoiceField(
        choices=[("", _("Any difficulty")), *Question.Difficulty.choices],
        required=False,
        label=_("Difficulty"),
    )
    bookmarked = forms.BooleanField(required=False, label=_("Only my bookmarks"))
    wrong = forms.BooleanField(required=False, label=_("Only what I got wrong"))


class BookmarkForm(forms.Form):
    """``action=remove`` removes the learner's bookmark; anything else adds it."""

    action = forms.CharField(required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My private note"),
        required=False,
        max_length=Note.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CheckForm(forms.Form):
    """ "Check my answer": the attempt typed before the answer is revealed."""

    attempt = forms.CharField(required=False, strip=False, max_length=MAX_ATTEMPT_LENGTH)


class ContestForm(forms.Form):
    """Contesting the automatic grade of a practice attempt (``assessment.contest_grade``)."""

    attempt = forms.CharField(required=False, strip=False, max_length=MAX_ATTEMPT_LENGTH)
    score = forms.IntegerField(required=False)
    comment = forms.CharField(required=False)


class PlanTopicsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.order_by("level", "slug"),
        to_field_name="slug",
        required=False,
        label=_("Topics for your interview (none: every question)"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

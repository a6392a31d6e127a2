from django import forms
from django.utils.translation import gettext_lazy as _

from questions.models import Question, Tag

from .models import Note, Rating
from .services import MAX_ATTEMPT_LENGTH


class ReviewForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput)
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
    expected_reps = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    deck = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DeckForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.order_by("level", "slug"),
        to_field_name="slug",
        required=False,
        label=_("Tags"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    difficulty = forms.ChoiceField(
        choices=[("", _("Any difficulty")), *Question.Difficulty.choices],
        required=False,
        label=_("Difficulty"),
    )
    bookmarked = forms.BooleanField(required=False, label=_("Only my bookmarks"))
    wrong = forms.BooleanField(required=False, label=_("Only what I got wrong"))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("My private note"),
        required=False,
        max_length=Note.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

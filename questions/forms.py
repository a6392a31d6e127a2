"""The forms behind the editorial pages' writes.

They parse what a page posts into typed values; the rules (which reasons, how long a title,
which tags exist, who may do what) are the editorial services', whose refusals the pages
show (``interviewprep.errors.shows_refusal``). So fields here are typed, not constrained.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interviewprep.fields import ID_MAX, CountField, IdField


class IdListField(forms.Field):
    """Several values of one name (``<select multiple>``, checkboxes) as whole numbers."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Enter whole numbers.")}

    def to_python(self, value: Any) -> list[int]:
        try:
            ids = [int(item) for item in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(not 0 <= each <= ID_MAX for each in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class TextListField(forms.Field):
    """Several values of one name as text."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        return [str(item) for item in value or []]


def _text() -> forms.CharField:
    return forms.CharField(required=False, strip=False)


class ReportForm(forms.Form):
    """A learner's report of a problem (``flags.report_problem``)."""

    reason = _text()
    comment = _text()


class DeclineForm(forms.Form):
    """Declining a report (``flags.decline_flag``)."""

    reason = _text()


class DraftForm(forms.Form):
    """An editor's text of a draft (``drafts.save_draft``; the preview reads it too)."""

    title = _text()
    body_markdown = _text()
    tags = TextListField(required=False)
    difficulty = _text()
    key_points = forms.CharField(required=False, strip=False)
    version = CountField(required=False)

    def values(self) -> dict[str, Any]:
        """What the editor sent, as the draft page shows it again (a version that does not
        parse as 0, which any saved draft is past)."""
        self.is_valid()  # the fields that parse are in cleaned_data
        data = self.cleaned_data
        return {
            "title": data.get("title", ""),
            "body_markdown": data.get("body_markdown", ""),
            "tag_slugs": data.get("tags", []),
            "difficulty": data.get("difficulty", ""),
            "key_points": data.get("key_points", ""),
            "version": data.get("version") or 0,
        }


class SubmitForm(forms.Form):
    """Sending a draft to review (``drafts.submit_draft``)."""

    version = CountField(required=False)
    summary = _text()
    resolves = IdListField(required=False)


class CommentForm(forms.Form):
    """A reviewer sending a draft back (``drafts.request_changes``)."""

    comment = _text()


class RollbackForm(forms.Form):
    """Publishing an old version again (``revisions.rollback_question``)."""

    number = CountField(required=False)
    summary = _text()


class MergeForm(forms.Form):
    """Merging a question into the one numbered ``kept`` (``merging.merge_question``)."""

    kept = IdField(required=False)


class SeriesForm(forms.Form):
    """Linking a question to the one numbered ``other``, or unlinking them
    (``series.set_series_link``)."""

    other = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=[("link", "link"), ("unlink", "unlink")])


class CandidateForm(forms.Form):
    """Deciding a near-duplicate pair: dismiss it, or merge it keeping ``keep``."""

    decision = _text()
    keep = IdField(required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files of one name (``<input type=file multiple>``), as a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(each, initial) for each in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    """Notes to import (``imports.upload_notes``): files, or pasted text with a name."""

    # Named as the API field is; the form keeps it in base_fields, apart from self.files.
    files = MultipleFileField(required=False)  # type: ignore[assignment]
    text = _text()
    name = _text()


class ItemDecisionForm(forms.Form):
    """The editor's decision on one parsed item (``imports.confirm_import``)."""

    item = IdField()
    include = forms.BooleanField(required=False)
    title = _text()
    tags = _text()
    same_as = IdField(required=False)

    def tag_slugs(self) -> list[str]:
        """The tags typed as slugs separated by commas or spaces."""
        return [slug for slug in self.cleaned_data["tags"].replace(",", " ").split() if slug]


ItemDecisionFormSet = forms.formset_factory(ItemDecisionForm, extra=0)


class PublishItemsForm(forms.Form):
    """A reviewer publishing an import's items (all of them when none is named)."""

    items = IdListField(required=False)


class NewQuestionForm(forms.Form):
    """An editor's new question (``imports.create_question``; the preview reads it too)."""

    title = _text()
    body_markdown = _text()
    tags = TextListField(required=False)
    difficulty = _text()
    summary = _text()


class ReassignForm(forms.Form):
    """An administrator handing a draft to another editor (``drafts.reassign_draft``)."""

    editor = IdField()

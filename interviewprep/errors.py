"""One error path: a service refuses with a :class:`DomainError`; one place turns it into an
API response (:func:`api_exception_handler`, DRF's ``EXCEPTION_HANDLER``) and one decorator
into what a page shows (:func:`shows_refusal`). Views and endpoints do not catch refusals.

Each app subclasses these for its own refusals (``questions.editorial.EditorialError``,
``quizzes.services.PracticeError``, ``interviews.services.InterviewError``) and mixes in the
kind that gives the HTTP status: :class:`NotPermitted` (403, also Django's
``PermissionDenied``), :class:`NotFound` (404) or :class:`Conflict` (409).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, overload

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm, BaseFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from rest_framework.response import Response
from rest_framework.views import exception_handler

type Payload = Callable[[Any], dict[str, Any]]
type ViewFunc = Callable[..., HttpResponse]

_payloads: dict[type["DomainError"], Payload] = {}


class DomainError(Exception):
    """A refusal: ``message`` for the person (translated), ``code`` for programs, ``status``
    the HTTP status it answers with. Subclasses set ``code`` and ``status`` as class
    attributes; the constructor may override them for one refusal."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class NotPermitted(DomainError, PermissionDenied):
    """The user may not do this. A page that lets it through answers 403 (``403.html``)."""

    code = "permission_denied"
    status = 403


class NotFound(DomainError):
    """The object the action names does not exist, or not where the request says."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    """Refused by the current state of the data: a double submit, a stale edit, time is up."""

    code = "conflict"
    status = 409


class RateLimited(DomainError):
    """Too many requests of one kind from one account or address (``interviewprep.ratelimit``);
    answers 429 with ``Retry-After: retry_after``."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvalidForm(DomainError):
    """A form (or formset) a page posted does not parse: the page was edited, or is out of
    date. The message is its errors. Raised by :func:`cleaned`."""

    def __init__(self, form: BaseForm | BaseFormSet) -> None:
        super().__init__(" ".join(_error_messages(form)))


def _error_messages(form: BaseForm | BaseFormSet) -> list[str]:
    if isinstance(form, BaseFormSet):
        nested = [message for each in form.forms for message in _error_messages(each)]
        return [*map(str, form.non_form_errors()), *nested]
    return [str(message) for errors in form.errors.values() for message in errors]


@overload
def cleaned(form: BaseForm) -> dict[str, Any]: ...
@overload
def cleaned(form: BaseFormSet) -> list[dict[str, Any]]: ...
def cleaned(form: BaseForm | BaseFormSet) -> dict[str, Any] | list[dict[str, Any]]:
    """The cleaned data of ``form`` (of each form of a formset), or :class:`InvalidForm`: a
    page's write parses its input with a form, and input that does not parse takes the
    refusals' path (:func:`shows_refusal`)."""
    if not form.is_valid():
        raise InvalidForm(form)
    return form.cleaned_data


def refusal_payload[E: DomainError](kind: type[E]) -> Callable[[Callable[[E], dict]], Callable]:
    """Register what the API adds to the body of a ``kind`` refusal besides ``detail`` and
    ``code`` (e.g. the saved draft a stale save ran into, serialised by the API's serializer).
    The payloads of every registered class an error is an instance of are merged, the most
    general first."""

    def register(payload: Callable[[E], dict]) -> Callable[[E], dict]:
        _payloads[kind] = payload
        return payload

    return register


def refusal_body(error: DomainError) -> dict[str, Any]:
    """``{"detail": message, "code": code}`` and the registered payloads of ``error``."""
    body: dict[str, Any] = {"detail": error.message, "code": error.code}
    for kind in reversed(type(error).__mro__):
        if kind in _payloads:
            body.update(_payloads[kind](error))
    return body


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: a :class:`DomainError` answers its ``status`` with
    :func:`refusal_body`; everything else is DRF's own handling."""
    if isinstance(exc, DomainError):
        response = Response(refusal_body(exc), status=exc.status)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response
    return exception_handler(exc, context)


def shows_refusal(
    respond: Callable[..., str | HttpResponse], *, level: int = messages.ERROR
) -> Callable[[ViewFunc], ViewFunc]:
    """Page view decorator: a :class:`DomainError` the view lets through is shown to the person.

    ``respond(request, error, *args, **kwargs)`` (the view's own arguments) returns either the
    page's own rendering of the refusal, or the URL to go back to, where the message is shown
    with ``level``. :class:`NotPermitted` is not caught: it is a ``PermissionDenied`` (403);
    nor is :class:`RateLimited`, which ``RateLimitMiddleware`` answers with 429.
    """

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except (NotPermitted, RateLimited):
                raise
            except DomainError as error:
                shown = respond(request, error, *args, **kwargs)
                if isinstance(shown, HttpResponse):
                    return shown
                messages.add_message(request, level, error.message)
                return redirect(shown)

        return wrapper

    return decorator

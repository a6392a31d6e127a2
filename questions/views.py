from typing import Any

from django.core.paginator import Page
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from interviewprep import cache
from interviewprep.roles import Role, has_role

from . import listing, pages, reader_blocks
from .filters import QuestionFilter
from .models import Figure, Notification, Question
from .search import backends as search

PAGE_SIZE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@vary_on_headers("HX-Request")
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    filterset = QuestionFilter(request.GET, queryset=Question.objects.visible())
    # Invalid values (an unknown difficulty, say) are reported in the page and ignored.
    questions = filterset.qs
    chosen = filterset.form.cleaned_data
    searched = bool(chosen.get("q", "").strip())
    # Ids and versions only: the rows themselves are cached (listing.question_rows).
    found: dict[int, SafeString] = {}
    page: Page[Any]
    if searched:
        page, versions, found = listing.search_page(
            questions, chosen, request.GET.get("page"), PAGE_SIZE
        )
    else:
        page = listing.list_page(
            questions.values_list("pk", "version"),
            request.GET.get("page"),
            PAGE_SIZE,
            filtered=any(chosen.values()),
        )
        versions = list(page.object_list)
    # The whole page, kept per kind of reader under everything it shows (pages.py).
    kind = None if request.htmx else pages.whole_page_kind(request)
    if kind is not None:
        key, kept = pages.kept_whole_list(request, kind, versions, page.paginator.count)
        if kept is not None:
            return HttpResponse(pages.for_reader(request, kept, pages.LIST_TEMPLATE, kind=kind))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "rows": [(row, found.get(pk, "")) for pk, row in listing.question_rows(versions)],
        "query": query.urlencode(),
        # At least this many matches: only the first ones were ranked (search_questions()).
        "search_bounded": searched and page.paginator.count >= search.RANK_CANDIDATES,
        "rank_candidates": search.RANK_CANDIDATES,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, f"{pages.LIST_TEMPLATE}#results", context)
    # Called by the template only when its cached sidebar has to be rendered again.
    context.update(
        list_facets=listing.list_facets,
        bank_generation=cache.bank_generation(),
        sidebar_timeout=cache.SIDEBAR_TIMEOUT,
    )
    if kind is None:
        return render(request, pages.LIST_TEMPLATE, context)
    html = pages.render_for_kind(request, pages.LIST_TEMPLATE, context, kind=kind)
    pages.keep_whole_list(key, html)
    return HttpResponse(pages.for_reader(request, html, pages.LIST_TEMPLATE, kind=kind))


DETAIL_TEMPLATE = "questions/detail.html"


@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Kept per question, language and kind of reader: not for a query string (the language
    # menu and the sign-in link carry the page's path).
    kind = None if request.GET else pages.whole_page_kind(request)
    if kind is not None:
        kept = pages.kept_whole_page(pk, kind)
        if kept is not None:
            return _whole_page(request, *kept, kind=kind)
    page = pages.question_page(pk)
    if page is None:
        raise Http404
    if page.duplicate_of_id is not None:
        return redirect("questions:detail", page.duplicate_of_id, permanent=True)
    if kind is None:
        return render(request, DETAIL_TEMPLATE, {"page": page, **_readers_own(request, page)})
    context: dict[str, Any] = {"page": page}
    if kind == pages.ANONYMOUS:
        context.update(_readers_own(request, page))
    html = pages.render_for_kind(request, DETAIL_TEMPLATE, context, kind=kind)
    pages.keep_whole_page(page, kind, html)
    return _whole_page(request, page, html, kind=kind)


def _readers_own(request: HttpRequest, page: pages.QuestionPage) -> dict[str, Any]:
    """What the question page shows of the reader's own: notices, the apps' blocks (their
    bookmark and note), the editor's button."""
    user = request.user
    blocks = reader_blocks.registered()
    shown = [(block.template, block.context(user, page.question)) for block in blocks]
    known = [context.pop("has_updates") for _template, context in shown if "has_updates" in context]
    updates = []
    if user.is_authenticated and (any(known) or not known):
        updates = list(Notification.objects.filter(user=user, question_id=page.pk).unread_updates())
    return {
        "reader_blocks": shown,
        "updates": updates,
        "is_editor": has_role(user, Role.EDITOR),
    }


def _whole_page(
    request: HttpRequest, page: pages.QuestionPage, html: str, *, kind: str
) -> HttpResponse:
    """A kept whole question page for ``request``, with the reader's own parts."""
    context = {"page": page, **_readers_own(request, page)} if kind != pages.ANONYMOUS else {}
    return HttpResponse(
        pages.for_reader(request, html, DETAIL_TEMPLATE, kind=kind, context=context)
    )


@require_GET
def figure(request: HttpRequest, name: str) -> FileResponse:
    """A figure in media storage (any storage backend): a remote image ``manage.py
    fetch_images`` copied or an image uploaded with a note, its type checked when it was
    stored. Its name never changes meaning (a hash): cached for good."""
    # Several imports may have brought the same image: one file, a row for each.
    copied = Figure.objects.exclude(file="").filter(file=f"figures/{name}").first()
    if copied is None:
        raise Http404
    response = FileResponse(copied.file.open("rb"), content_type=copied.content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from interviewprep.roles import Role, has_role

from . import editorial, facets
from .filters import QuestionFilter
from .models import Question

PAGE_SIZE = 20


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
@vary_on_headers("HX-Request")
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    filterset = QuestionFilter(request.GET, queryset=Question.objects.visible().with_tags())
    # Invalid values (an unknown difficulty, say) are reported in the page and ignored.
    questions = filterset.qs
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    if request.htmx and not request.htmx.boosted:
        return render(request, "questions/list.html#results", context)
    context.update(facets.list_facets())
    return render(request, "questions/list.html", context)


@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.with_tags().with_detail(), pk=pk)
    if question.duplicate_of is not None:
        return redirect(question.duplicate_of, permanent=True)
    return render(
        request,
        "questions/detail.html",
        {
            "question": question,
            "related": Question.objects.related_to(question),
            "updates": editorial.unread_updates(request.user, question),
            "is_editor": has_role(request.user, Role.EDITOR),
        },
    )

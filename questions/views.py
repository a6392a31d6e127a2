from django.http import HttpRequest, HttpResponse


def question_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")

from django.urls import path

from . import views

app_name = "interviews"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("history/", views.history, name="history"),
    path("practice-missed/", views.practice_missed, name="practice-missed"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template-new"),
    path("templates/<id:pk>/edit/", views.template_edit, name="template-edit"),
    path("<id:pk>/", views.attempt_page, name="attempt"),
    path("<id:pk>/save/", views.attempt_save, name="save"),
    path("<id:pk>/clock/", views.clock, name="clock"),
    path("<id:pk>/layout/", views.layout, name="layout"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/review/", views.review, name="review"),
    path("<id:pk>/report/", views.report, name="report"),
    path("<id:pk>/contest/<id:question_id>/", views.contest, name="contest"),
    path("<id:pk>/practice/", views.practice, name="practice"),
]

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
    path("templates/<int:pk>/edit/", views.template_edit, name="template-edit"),
    path("<int:pk>/", views.attempt_page, name="attempt"),
    path("<int:pk>/save/", views.attempt_save, name="save"),
    path("<int:pk>/clock/", views.clock, name="clock"),
    path("<int:pk>/layout/", views.layout, name="layout"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/contest/<int:question_id>/", views.contest, name="contest"),
    path("<int:pk>/practice/", views.practice, name="practice"),
]

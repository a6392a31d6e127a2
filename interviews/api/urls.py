from django.urls import path

from . import views

app_name = "interviews-api"
urlpatterns = [
    path("", views.start, name="start"),
    path("templates/", views.templates, name="templates"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/answers/<id:question_id>/", views.answer, name="answer"),
    path("<id:pk>/follow-ups/", views.ask_follow_ups, name="ask-follow-ups"),
    path("<id:pk>/follow-ups/<id:follow_up_id>/", views.follow_up_answer, name="follow-up"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/review/", views.review, name="review"),
    path("<id:pk>/report/", views.report, name="report"),
]

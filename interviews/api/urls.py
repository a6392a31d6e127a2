from django.urls import path

from . import views

app_name = "interviews-api"
urlpatterns = [
    path("", views.start, name="start"),
    path("templates/", views.templates, name="templates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answers/<int:question_id>/", views.answer, name="answer"),
    path("<int:pk>/follow-ups/", views.ask_follow_ups, name="ask-follow-ups"),
    path("<int:pk>/follow-ups/<int:follow_up_id>/", views.follow_up_answer, name="follow-up"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/report/", views.report, name="report"),
]

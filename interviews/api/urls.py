from django.urls import path

from . import views

app_name = "interviews-api"
urlpatterns = [
    path("", views.start, name="start"),
    path("templates/", views.templates, name="templates"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/answers/<id:question_id>/", views.answer, name="answer"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/review/", views.review, name="review"),
    path("<id:pk>/report/", views.report, name="report"),
]

from django.urls import path

from . import views

app_name = "interviews-api"
urlpatterns = [
    path("", views.start, name="start"),
    path("templates/", views.templates, name="templates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/answers/<int:question_id>/", views.answer, name="answer"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/report/", views.report, name="report"),
]

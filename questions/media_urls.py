from django.urls import path

from . import views

urlpatterns = [path("figures/<str:name>", views.figure, name="figure")]

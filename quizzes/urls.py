from django.urls import path

from . import views

app_name = "practice"
urlpatterns = [
    path("", views.home, name="home"),
    path("session/", views.session, name="session"),
    path("review/", views.review, name="review"),
    path("undo/", views.undo, name="undo"),
    path("deck/", views.build_deck, name="deck"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("plan/topics/", views.plan_topics, name="plan-topics"),
    path("export/", views.export_page, name="export"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("questions/<id:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("questions/<id:pk>/note/", views.note, name="note"),
    path("questions/<id:pk>/check/", views.check, name="check"),
    path("questions/<id:pk>/contest/", views.contest, name="contest"),
]

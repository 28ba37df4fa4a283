from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("forums/", views.board_list, name="index"),
    path("forums/<slug:slug>/", views.board_detail, name="board"),
    path("forums/<slug:board>/<int:pk>-<slug:slug>/", views.thread_detail, name="thread"),
    path("films/<slug:slug>/discussion/", views.film_discussion, name="film_discussion"),
]

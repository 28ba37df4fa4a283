from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("forums/", views.board_list, name="index"),
    path("forums/following/", views.following, name="following"),
    path("forums/posts/<int:pk>/", views.post_permalink, name="post"),
    path("forums/posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("forums/posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("forums/posts/<int:pk>/report/", views.post_report, name="post_report"),
    path("forums/posts/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("forums/posts/<int:pk>/revisions/", views.post_revisions, name="post_revisions"),
    path("forums/threads/<int:pk>/reply/", views.thread_reply, name="reply"),
    path("forums/threads/<int:pk>/follow/", views.thread_follow, name="thread_follow"),
    path("forums/threads/<int:pk>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("forums/threads/<int:pk>/move/", views.thread_move, name="thread_move"),
    path(
        "forums/threads/<int:pk>/unread/",
        views.thread_jump,
        {"to": "unread"},
        name="thread_unread",
    ),
    path(
        "forums/threads/<int:pk>/latest/",
        views.thread_jump,
        {"to": "latest"},
        name="thread_latest",
    ),
    path("forums/<slug:slug>/", views.board_detail, name="board"),
    path("forums/<slug:slug>/new/", views.thread_new, name="thread_new"),
    path("forums/<slug:board>/<int:pk>-<slug:slug>/", views.thread_detail, name="thread"),
    path("films/<slug:slug>/discussion/", views.film_discussion, name="film_discussion"),
    path("films/<slug:slug>/discussion/new/", views.film_thread_new, name="film_thread_new"),
]

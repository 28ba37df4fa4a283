from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="list"),
    # Ahead of the articles' pattern, which it shadows: an article slugged "feed" has no page.
    path("feed/", LatestArticlesFeed(), name="feed"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]

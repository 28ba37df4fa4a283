from django.urls import path

from . import views
from .feeds import LatestArticlesFeed

app_name = "news"

# Mounted at the site's root: the feed sits with the others under /feeds/, where no article's
# slug can shadow it.
urlpatterns = [
    path("news/", views.article_list, name="list"),
    path("news/<slug:slug>/", views.article_detail, name="detail"),
    path("feeds/news/", LatestArticlesFeed(), name="feed"),
]

from django.urls import path

from . import views
from .feeds import FilmCriticReviewsFeed, LatestCriticReviewsFeed

app_name = "reviews"

urlpatterns = [
    path("feeds/reviews/", LatestCriticReviewsFeed(), name="feed"),
    path("films/<slug:slug>/reviews/", views.film_critic_reviews, name="film_critic_reviews"),
    path("films/<slug:slug>/reviews/feed/", FilmCriticReviewsFeed(), name="film_feed"),
    path(
        "films/<slug:slug>/audience-reviews/",
        views.film_audience_reviews,
        name="film_audience_reviews",
    ),
    path("films/<slug:slug>/review/", views.audience_review_form, name="audience_review_form"),
    path(
        "films/<slug:slug>/review/delete/",
        views.audience_review_delete,
        name="audience_review_delete",
    ),
    path(
        "audience-reviews/<int:pk>/",
        views.audience_review_detail,
        name="audience_review_detail",
    ),
    path(
        "audience-reviews/<int:pk>/helpful/",
        views.audience_review_helpful,
        name="audience_review_helpful",
    ),
    path(
        "audience-reviews/<int:pk>/report/",
        views.audience_review_report,
        name="audience_review_report",
    ),
    path("critics/", views.critic_list, name="critic_list"),
    path("critics/<slug:slug>/", views.critic_detail, name="critic"),
    path("publications/<slug:slug>/", views.publication_detail, name="publication"),
]

from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("films/<slug:slug>/reviews/", views.film_critic_reviews, name="film_critic_reviews"),
    path(
        "films/<slug:slug>/audience-reviews/",
        views.film_audience_reviews,
        name="film_audience_reviews",
    ),
    path("critics/", views.critic_list, name="critic_list"),
    path("critics/<slug:slug>/", views.critic_detail, name="critic"),
    path("publications/<slug:slug>/", views.publication_detail, name="publication"),
]

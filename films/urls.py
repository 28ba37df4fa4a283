from django.urls import path

from . import views

app_name = "films"

urlpatterns = [
    path("films/", views.film_list, name="list"),
    path("films/<slug:slug>/", views.film_detail, name="detail"),
    path("films/<slug:slug>/cast/", views.film_cast, name="cast"),
    path("films/<slug:slug>/photos/", views.film_photos, name="photos"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
]

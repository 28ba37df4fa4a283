"""A film's old address keeps working after an editor changes its slug."""

import pytest

from films.models import FilmRedirect
from tests.factories import FilmFactory

pytestmark = pytest.mark.django_db


def rename_in_admin(client, film, new_slug: str):
    response = client.post(
        f"/admin/films/film/{film.pk}/change/",
        {
            "title": film.title,
            "slug": new_slug,
            "year": film.year or "",
            "synopsis": film.synopsis,
            "acclaimed_override": "",
            **{
                f"{prefix}-{key}": value
                for prefix in ("credits", "photos", "critic_reviews")
                for key, value in {
                    "TOTAL_FORMS": "0",
                    "INITIAL_FORMS": "0",
                    "MIN_NUM_FORMS": "0",
                    "MAX_NUM_FORMS": "1000",
                }.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_old_slug_redirects_to_the_film_and_its_pages(client, admin_user):
    film = FilmFactory(title="Working Title", year=2020)
    client.force_login(admin_user)
    rename_in_admin(client, film, "final-title-2020")
    client.logout()

    response = client.get("/films/working-title-2020/")
    assert response.status_code == 301
    assert response["Location"] == "/films/final-title-2020/"
    response = client.get("/films/working-title-2020/reviews/?tab=top")
    assert response["Location"] == "/films/final-title-2020/reviews/?tab=top"
    assert client.get("/films/final-title-2020/").status_code == 200


def test_renaming_back_gives_the_film_its_old_address_again(client, admin_user):
    film = FilmFactory(title="Loop", year=2001)
    client.force_login(admin_user)
    rename_in_admin(client, film, "loop-the-movie-2001")
    film.refresh_from_db()
    rename_in_admin(client, film, "loop-2001")

    assert client.get("/films/loop-2001/").status_code == 200
    assert client.get("/films/loop-the-movie-2001/")["Location"] == "/films/loop-2001/"
    assert not FilmRedirect.objects.filter(old_slug="loop-2001").exists()


def test_an_unknown_slug_is_still_404(client):
    assert client.get("/films/never-existed-1900/").status_code == 404
    assert client.get("/films/never-existed-1900/cast/").status_code == 404

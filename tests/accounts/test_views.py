import pytest

from tests.factories import AudienceReviewFactory, FilmFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_log_in_returns_the_member_to_the_page_they_came_from(client):
    MemberFactory(username="lena")
    film = FilmFactory()
    response = client.post(
        "/accounts/login/",
        {
            "username": "lena",
            "password": "correct horse battery staple",
            "next": film.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == film.get_absolute_url()


def test_a_wrong_password_gets_a_message_and_keeps_the_username(client):
    MemberFactory(username="lena")
    response = client.post("/accounts/login/", {"username": "lena", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert 'value="lena"' in html


def test_log_out_is_a_post(client):
    client.force_login(MemberFactory())
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302


def test_profile_shows_the_members_reviews(client):
    member = MemberFactory(username="rory", display_name="Rory R.")
    AudienceReviewFactory(user=member, film=FilmFactory(title="Wild Coast"), body="Loved it.")
    html = client.get("/users/rory/").content.decode()
    assert "Rory R." in html
    assert "Wild Coast" in html
    assert "Loved it." in html
    assert client.get("/users/nobody-here/").status_code == 404

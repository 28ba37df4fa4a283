"""Logging in and out, the links around the log-in form, and the lockout after failed attempts."""

import pytest
from django.test import Client

from tests.accounts.helpers import PASSWORD, logged_in_pk
from tests.factories import FilmFactory, MemberFactory

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_log_in_returns_the_member_to_the_page_they_came_from(client):
    MemberFactory(username="lena")
    film = FilmFactory()
    response = client.post(
        "/accounts/login/",
        {"username": "lena", "password": PASSWORD, "next": film.get_absolute_url()},
    )
    assert response.status_code == 302
    assert response["Location"] == film.get_absolute_url()


def test_a_next_off_the_site_is_ignored_at_log_in(client, member):
    response = client.post(
        "/accounts/login/",
        {"username": "mina", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_a_wrong_password_gets_a_message_and_keeps_the_username(client):
    MemberFactory(username="lena")
    response = log_in(client, "lena", "nope")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert 'value="lena"' in html


def test_the_log_in_page_links_to_sign_up_and_password_reset_carrying_next(client):
    html = client.get("/accounts/login/?next=/films/").content.decode()
    assert 'href="/accounts/signup/?next=/films/"' in html
    assert 'href="/accounts/password/reset/?next=/films/"' in html
    assert "Forgot your password?" in html


def test_log_out_is_a_post(client):
    client.force_login(MemberFactory())
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert logged_in_pk(client) is None


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/logout/"])
def test_log_in_and_out_refuse_a_post_without_a_csrf_token(url, member):
    client = Client(enforce_csrf_checks=True)
    if url.endswith("logout/"):
        client.force_login(member)
    response = client.post(url, {"username": "mina", "password": PASSWORD})
    assert response.status_code == 403


def test_the_header_offers_visitors_log_in_and_sign_up_back_to_this_page(client):
    film = FilmFactory()
    html = client.get(film.get_absolute_url()).content.decode()
    assert f'href="/accounts/login/?next={film.get_absolute_url()}"' in html
    assert f'href="/accounts/signup/?next={film.get_absolute_url()}"' in html
    assert 'action="/accounts/logout/"' not in html


def test_the_header_shows_a_member_their_name_linking_to_their_profile_and_log_out(client):
    client.force_login(MemberFactory(username="lena", display_name="Lena K."))
    html = client.get("/").content.decode()
    assert '<a class="nav-link" href="/users/lena/">Lena K.</a>' in html
    assert 'action="/accounts/logout/"' in html
    assert "/accounts/signup/" not in html


def test_failed_log_ins_lock_the_username_out_with_a_clear_page(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "mina", "wrong password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    # django-axes answers the failure that reaches the limit, and every one after it, with
    # the lockout page.
    for _ in range(2):
        response = log_in(client, "mina", "wrong password")
        assert response.status_code == 429
        html = response.content.decode()
        assert "Too many failed log-in attempts" in html
        assert "You can try again in 1\xa0hour" in html
        assert 'href="/accounts/password/reset/"' in html
        assert html.count("<h1") == 1


def test_the_right_password_is_refused_during_the_lockout(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        log_in(client, "mina", "wrong password")
    response = log_in(client, "mina", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert logged_in_pk(client) is None


def test_a_lockout_is_for_that_username_only(client, member, settings):
    MemberFactory(username="lena")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        log_in(client, "mina", "wrong password")
    assert log_in(client, "lena", PASSWORD).status_code == 302


def test_the_username_may_be_typed_in_any_case(client):
    MemberFactory(username="Mina2")
    assert log_in(client, "mina2", PASSWORD).status_code == 302


def test_failures_count_for_a_username_whatever_its_case(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    MemberFactory(username="Lena")
    codes = [log_in(client, name, "wrong").status_code for name in ("lena", "LENA", "Lena")]
    assert codes == [200, 200, 429]


def test_a_logged_in_member_sent_back_to_log_in_is_not_caught_in_a_loop(client, member):
    client.force_login(member)
    response = client.get("/accounts/login/?next=/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("way", ["/accounts/logout/", "/accounts/signup/", "/accounts/login/"])
def test_log_in_never_returns_to_the_way_in_or_out(client, member, way):
    response = client.post(
        "/accounts/login/", {"username": "mina", "password": PASSWORD, "next": way}
    )
    assert response["Location"] == "/"


def test_log_in_returns_to_a_members_page_under_accounts(client, member):
    response = client.post(
        "/accounts/login/",
        {"username": "mina", "password": PASSWORD, "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"

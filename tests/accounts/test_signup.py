"""Signing up: a new member picks a username, gives an email and a password, and is logged in."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from accounts.forms import SignupForm
from tests.accounts.helpers import field_error, logged_in_pk
from tests.factories import FilmFactory, MemberFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "lantern orchard velvet 42"


def signup_data(**changes) -> dict[str, str]:
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    return {**data, **changes}


def test_signup_page_has_labelled_fields_and_a_way_back_to_log_in(client):
    html = client.get("/accounts/signup/?next=/films/").content.decode()
    for field in ["username", "email", "password1", "password2"]:
        assert f'for="id_{field}"' in html
    assert '<input type="hidden" name="next" value="/films/">' in html
    assert 'href="/accounts/login/?next=/films/"' in html
    assert html.count("<h1") == 1


def test_signing_up_logs_the_member_in_and_returns_them_where_they_were(client):
    film = FilmFactory()
    response = client.post(
        "/accounts/signup/", signup_data(next=film.get_absolute_url()), follow=True
    )
    member = User.objects.get(username="newbie")
    assert response.redirect_chain == [(film.get_absolute_url(), 302)]
    assert logged_in_pk(client) == member.pk
    assert member.email == "newbie@example.com"
    assert member.check_password(GOOD_PASSWORD)
    assert "Welcome to Marquee, newbie!" in response.content.decode()


def test_without_next_a_new_member_lands_on_the_home_page(client):
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "http://testserver.evil/"],
)
def test_a_next_off_the_site_falls_back_to_the_home_page(client, next_url):
    response = client.post("/accounts/signup/", signup_data(next=next_url))
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_logged_in_member_visiting_signup_is_sent_home(client, member):
    client.force_login(member)
    response = client.get("/accounts/signup/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    client.post("/accounts/signup/", signup_data())
    assert not User.objects.filter(username="newbie").exists()


def test_a_username_taken_in_another_case_is_refused_next_to_the_field(client, member):
    response = client.post("/accounts/signup/", signup_data(username="Mina"))
    assert response.status_code == 200
    assert field_error(response, "username") == "That username is taken. Please choose another."
    html = response.content.decode()
    assert 'value="Mina"' in html
    assert 'value="newbie@example.com"' in html
    assert GOOD_PASSWORD not in html  # passwords are never sent back
    assert User.objects.filter(username__iexact="mina").count() == 1


@pytest.mark.parametrize("username", ["movielens-5", "MovieLens-new"])
def test_the_names_of_imported_movielens_members_are_refused(client, username):
    response = client.post("/accounts/signup/", signup_data(username=username))
    assert response.status_code == 200
    assert field_error(response, "username").startswith(
        "Names starting with “movielens-” belong to imported members."
    )
    assert not User.objects.filter(username__iexact=username).exists()


def test_an_email_already_used_in_another_case_is_refused_next_to_the_field(client, member):
    response = client.post("/accounts/signup/", signup_data(email="MINA@Example.com"))
    assert response.status_code == 200
    assert field_error(response, "email").startswith("A member already uses this email address.")
    assert 'value="newbie"' in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_an_email_is_required(client):
    response = client.post("/accounts/signup/", signup_data(email=""))
    assert field_error(response, "email") == "This field is required."
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("password123", "password123", "This password is too common."),
        ("sh0rt!", "sh0rt!", "This password is too short. It must contain at least 8 characters."),
        ("4815162342", "4815162342", "This password is entirely numeric."),
        ("newbie12", "newbie12", "The password is too similar to the username."),
        (GOOD_PASSWORD, GOOD_PASSWORD + "!", "The two password fields didn\u2019t match."),
    ],
)
def test_a_weak_or_mismatched_password_is_refused_next_to_its_field(
    client, password1, password2, message
):
    response = client.post(
        "/accounts/signup/", signup_data(password1=password1, password2=password2)
    )
    assert response.status_code == 200
    assert message in field_error(response, "password2")
    html = response.content.decode()
    assert 'value="newbie"' in html
    assert 'value="newbie@example.com"' in html
    assert not User.objects.exists()


def test_signup_refuses_a_post_without_a_csrf_token():
    response = Client(enforce_csrf_checks=True).post("/accounts/signup/", signup_data())
    assert response.status_code == 403
    assert not User.objects.exists()


def test_signups_from_one_address_slow_down_after_the_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": 2}
    for n in range(2):
        response = client.post(
            "/accounts/signup/", signup_data(username=f"new{n}", email=f"new{n}@example.com")
        )
        assert response.status_code == 302
        client.post("/accounts/logout/")
    response = client.post(
        "/accounts/signup/", signup_data(username="new2", email="new2@example.com")
    )
    assert response.status_code == 429
    assert "Slow down" in response.content.decode()
    assert not User.objects.filter(username="new2").exists()


def test_every_attempt_counts_so_email_addresses_cannot_be_probed_without_end(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": 3}
    MemberFactory(email="someone@example.com")
    probe = signup_data(email="someone@example.com")
    codes = [client.post("/accounts/signup/", probe).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]  # "already uses this email address", then no more


def test_a_logged_in_member_opening_sign_up_goes_on_to_next(client):
    client.force_login(MemberFactory())
    response = client.get("/accounts/signup/?next=/films/")
    assert response["Location"] == "/films/"


def test_a_name_taken_between_the_check_and_the_save_gets_a_message_not_an_error(
    client, monkeypatch
):
    """Two sign-ups at once both pass the form's check; the database refuses the second."""
    MemberFactory(username="Newbie", email="first@example.com")
    # The moment between the form's checks (its own and the model's constraints) and the save.
    monkeypatch.setattr(SignupForm, "clean_username", lambda form: form.cleaned_data["username"])
    monkeypatch.setattr(User, "validate_constraints", lambda member, exclude=None: None)
    response = client.post("/accounts/signup/", signup_data(username="newbie"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "That username or email address was just taken." in html
    assert User.objects.filter(username__iexact="newbie").count() == 1

"""Changing a password when logged in, and resetting a forgotten one by email."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.helpers import PASSWORD, field_error, logged_in_pk

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lantern orchard velvet 42"


def log_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def reset_link(message) -> str:
    return re.search(r"https?://testserver(/accounts/reset/\S+/\S+/)", message.body).group(1)


# Changing a password


def test_visitors_are_sent_to_log_in_from_password_change(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_a_member_changes_their_password_and_stays_logged_in(client, member):
    client.force_login(member)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200
    assert 'for="id_old_password"' in page.content.decode()
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/accounts/password/change/done/", 302)]
    assert "Password changed" in response.content.decode()
    assert logged_in_pk(client) == member.pk
    client.post("/accounts/logout/")
    assert log_in(client, "mina", PASSWORD).status_code == 200
    assert log_in(client, "mina", NEW_PASSWORD).status_code == 302


def test_a_wrong_old_password_is_refused_next_to_its_field(client, member):
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert field_error(response, "old_password").startswith("Your old password was entered")
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        ("password123", "password123", "This password is too common."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two password fields didn\u2019t match."),
    ],
)
def test_a_weak_or_mismatched_new_password_is_refused(client, member, new1, new2, message):
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert message in field_error(response, "new_password2")


# Resetting a forgotten password


def test_password_reset_by_email_end_to_end(client, member):
    response = client.post("/accounts/password/reset/", {"email": "MINA@example.com"}, follow=True)
    assert response.redirect_chain == [("/accounts/password/reset/done/", 302)]
    assert "Check your email" in response.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mina@example.com"]
    assert message.subject == "Reset your Marquee password"
    assert "http://testserver/accounts/reset/" in message.body
    assert "Marquee" in message.body

    form_page = client.get(reset_link(message), follow=True)
    assert form_page.status_code == 200
    assert "Set a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [("/accounts/reset/done/", 302)]
    assert 'href="/accounts/login/"' in response.content.decode()

    assert log_in(client, "mina", PASSWORD).status_code == 200
    assert log_in(client, "mina", NEW_PASSWORD).status_code == 302
    assert logged_in_pk(client) == member.pk


def test_a_reset_link_works_once(client, member):
    client.post("/accounts/password/reset/", {"email": "mina@example.com"})
    link = reset_link(mail.outbox[0])
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    html = client.get(link, follow=True).content.decode()
    assert "This link no longer works" in html
    assert 'href="/accounts/password/reset/"' in html


def test_a_made_up_reset_link_says_it_no_longer_works(client):
    response = client.get("/accounts/reset/MQ/abc-123/")
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_the_reset_email_link_uses_https_when_the_request_did(client, member):
    client.post("/accounts/password/reset/", {"email": "mina@example.com"}, secure=True)
    assert "https://testserver/accounts/reset/" in mail.outbox[0].body


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert mail.outbox == []


def test_a_weak_new_password_at_reset_is_refused_next_to_its_field(client, member):
    client.post("/accounts/password/reset/", {"email": "mina@example.com"})
    set_password_url = client.get(reset_link(mail.outbox[0]))["Location"]
    response = client.post(
        set_password_url, {"new_password1": "password123", "new_password2": "password123"}
    )
    assert response.status_code == 200
    assert "This password is too common." in field_error(response, "new_password2")


def test_resetting_the_password_lifts_a_log_in_lockout(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "mina", "wrong password")
    assert log_in(client, "mina", PASSWORD).status_code == 429
    client.post("/accounts/password/reset/", {"email": "mina@example.com"})
    set_password_url = client.get(reset_link(mail.outbox[0]))["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert log_in(client, "mina", NEW_PASSWORD).status_code == 302


def test_password_reset_requests_slow_down_after_the_limit(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": 2}
    for _ in range(2):
        assert (
            client.post("/accounts/password/reset/", {"email": "mina@example.com"}).status_code
            == 302
        )
    response = client.post("/accounts/password/reset/", {"email": "mina@example.com"})
    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_password_forms_refuse_a_post_without_a_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    assert (
        client.post("/accounts/password/reset/", {"email": "mina@example.com"}).status_code == 403
    )
    assert mail.outbox == []

    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 403

    # The emailed link, opened in the same browser, then a form sent without the token.
    Client().post("/accounts/password/reset/", {"email": "mina@example.com"})
    set_password_url = client.get(reset_link(mail.outbox[0]))["Location"]
    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.check_password(PASSWORD)

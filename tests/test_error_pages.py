"""Every error a visitor can meet gets a page of the site's own, with a way on, never
Django's plain text or a stack trace."""

import pytest
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import include, path

import reviewsite.urls
from tests.factories import AudienceReviewFactory, MemberFactory

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a bug")


def suspicious(request):
    raise SuspiciousOperation("a tampered request")


handler500 = reviewsite.urls.handler500
urlpatterns = [
    path("broken/", broken),
    path("suspicious/", suspicious),
    path("", include("reviewsite.urls")),
]


@pytest.mark.urls("tests.test_error_pages")
def test_a_bad_request_gets_the_sites_400_page(client):
    response = client.get("/suspicious/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "We couldn't understand that request" in html
    assert 'href="/"' in html and "Traceback" not in html


def test_a_missing_page_gets_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_a_forbidden_action_gets_the_sites_403_page(client):
    review = AudienceReviewFactory()
    client.force_login(review.user)
    response = client.get(f"/audience-reviews/{review.pk}/report/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You can't do that here" in html
    assert "You cannot report your own review." in html


@pytest.mark.urls("tests.test_error_pages")
def test_a_server_error_gets_the_sites_500_page_in_its_look(client, django_assert_num_queries):
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "a bug" not in html and "Traceback" not in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert '<span class="brand-name">Marquee</span>' in html
    assert 'href="/"' in html


@pytest.mark.urls("tests.test_error_pages")
def test_when_the_database_is_down_the_500_page_still_shows(client, monkeypatch):
    def no_database(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", no_database)
    client.raise_request_exception = False
    response = client.get("/healthz")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@pytest.mark.urls("tests.test_error_pages")
def test_if_the_styled_500_page_cannot_be_made_a_plain_one_says_the_same(client, monkeypatch):
    def missing_from_manifest(self, name):
        raise ValueError(f"Missing staticfiles manifest entry for '{name}'")

    monkeypatch.setattr(StaticFilesStorage, "url", missing_from_manifest)
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "stylesheet" not in html and "Traceback" not in html


def test_too_many_requests_get_the_sites_429_page(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": 0}
    client.force_login(MemberFactory())
    review = AudienceReviewFactory()
    response = client.post(
        f"/audience-reviews/{review.pk}/report/", {"reason": "spam", "details": ""}
    )
    assert response.status_code == 429
    assert "Slow down" in response.content.decode()

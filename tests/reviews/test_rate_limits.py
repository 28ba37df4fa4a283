"""Too many reviews, votes or reports in a short time get a friendly "slow down", HTTP 429."""

import pytest

from reviews.models import AudienceReview, HelpfulVote
from tests.factories import AudienceReviewFactory, FilmFactory

pytestmark = pytest.mark.django_db


def test_reviewing_more_films_than_the_limit_in_an_hour_gets_429(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "review": 3}
    client.force_login(member)
    films = FilmFactory.create_batch(4)
    for film in films[:3]:
        assert client.post(f"/films/{film.slug}/review/", {"rating": "3.0"}).status_code == 302

    response = client.post(
        f"/films/{films[3].slug}/review/", {"rating": "3.0", "body": "Words worth keeping."}
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "You have posted 3 reviews in the last hour" in html
    assert "Words worth keeping." in html  # the form comes back with what was written
    assert AudienceReview.objects.count() == 3
    # Reading goes on as before.
    assert client.get(films[3].get_absolute_url()).status_code == 200


def test_forms_sent_back_with_errors_do_not_use_up_the_allowance(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "review": 1}
    client.force_login(member)
    film = FilmFactory()
    for _ in range(3):
        assert client.post(f"/films/{film.slug}/review/", {"rating": "9"}).status_code == 200
    assert client.post(f"/films/{film.slug}/review/", {"rating": "3.0"}).status_code == 302


def test_the_limit_is_per_member(client, member, settings, django_user_model):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "review": 1}
    film, other_film = FilmFactory.create_batch(2)
    client.force_login(member)
    client.post(f"/films/{film.slug}/review/", {"rating": "3.0"})
    assert client.post(f"/films/{other_film.slug}/review/", {"rating": "3.0"}).status_code == 429
    client.force_login(django_user_model.objects.create_user("other", "o@example.com", "pw-12345"))
    assert client.post(f"/films/{other_film.slug}/review/", {"rating": "3.0"}).status_code == 302


def test_a_visitor_voting_is_sent_to_log_in_without_using_up_the_addresss_allowance(
    client, member, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": 1}
    review = AudienceReviewFactory()
    for _ in range(3):
        response = client.post(f"/audience-reviews/{review.pk}/helpful/", {"helpful": "1"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_sign_ups_are_limited_with_the_slow_down_page(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": 0}
    response = client.post("/accounts/signup/", {"username": "newbie"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Slow down a little" in html
    assert "Back button" in html


def test_votes_are_limited_too(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": 2}
    client.force_login(member)
    reviews = AudienceReviewFactory.create_batch(3)
    codes = [
        client.post(f"/audience-reviews/{r.pk}/helpful/", {"helpful": "1"}).status_code
        for r in reviews
    ]
    assert codes == [302, 302, 429]
    assert HelpfulVote.objects.count() == 2

"""Work done in the admin keeps the stored scores right, and only staff get in."""

from decimal import Decimal

import pytest
from django.urls import reverse

from films.models import Film
from reviews.models import AudienceReview, CriticReview, Sentiment
from reviews.scores import refresh_film_scores
from tests.factories import (
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
)

pytestmark = pytest.mark.django_db


def critic_form(critic, **changes) -> dict:
    """The critic change form's fields as the admin posts them."""
    data = {"name": critic.name, "slug": critic.slug, "bio": critic.bio, "_save": "Save"}
    if critic.is_top_critic:
        data["is_top_critic"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_adding_a_critic_review_in_the_admin_updates_the_films_stored_score(client, editor):
    film = FilmFactory()
    CriticReviewFactory.create_batch(4, film=film, sentiment=Sentiment.FRESH)
    refresh_film_scores(film=film)
    critic = CriticFactory()
    client.force_login(editor)

    response = client.post(
        reverse("admin:reviews_criticreview_add"),
        {
            "film": film.pk,
            "critic": critic.pk,
            "sentiment": Sentiment.ROTTEN,
            "review_date": "2024-03-01",
            "is_published": "on",
            "excerpt": "Earnest but thin.",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors
    film.refresh_from_db()
    assert film.critic_review_count == 5
    assert film.critic_classified_count == 5
    assert film.critics_score == 80


def test_a_review_added_in_the_admin_follows_its_critics_top_critic_flag(client, editor):
    film = FilmFactory()
    critic = CriticFactory(is_top_critic=True)
    client.force_login(editor)

    client.post(
        reverse("admin:reviews_criticreview_add"),
        {"film": film.pk, "critic": critic.pk, "sentiment": Sentiment.FRESH, "is_published": "on"},
    )

    assert CriticReview.objects.get(film=film).is_top_critic is True
    film.refresh_from_db()
    assert film.top_critic_review_count == 1


def test_changing_a_critics_top_critic_flag_in_the_admin_updates_their_reviews(client, editor):
    critic = CriticFactory(is_top_critic=False)
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film, critic=critic, sentiment=Sentiment.FRESH)
    refresh_film_scores(film=film)
    client.force_login(editor)

    response = client.post(
        reverse("admin:reviews_critic_change", args=[critic.pk]),
        critic_form(critic, is_top_critic="on"),
    )

    assert response.status_code == 302
    assert set(critic.reviews.values_list("is_top_critic", flat=True)) == {True}
    film.refresh_from_db()
    assert film.top_critic_review_count == 5
    assert film.top_critics_score == 100


def test_clearing_a_critics_top_critic_flag_in_the_admin_unmarks_their_reviews(client, admin_user):
    critic = CriticFactory(is_top_critic=True)
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film, critic=critic)
    refresh_film_scores(film=film)
    assert film.top_critics_score == 100
    client.force_login(admin_user)

    client.post(
        reverse("admin:reviews_critic_change", args=[critic.pk]),
        critic_form(critic, is_top_critic=None),
    )

    critic.refresh_from_db()
    assert critic.is_top_critic is False
    assert set(critic.reviews.values_list("is_top_critic", flat=True)) == {False}
    film.refresh_from_db()
    assert film.top_critics_score is None


def test_deleting_a_critic_review_in_the_admin_updates_the_films_stored_score(client, admin_user):
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film)
    review = CriticReviewFactory(film=film, sentiment=Sentiment.ROTTEN)
    refresh_film_scores(film=film)
    assert film.critics_score == 83
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:reviews_criticreview_delete", args=[review.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    film.refresh_from_db()
    assert film.critic_review_count == 5
    assert film.critics_score == 100


def test_hiding_audience_reviews_in_the_admin_updates_the_films_stored_score(
    client, moderator, settings
):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    low = AudienceReviewFactory(film=film, rating=Decimal("1.0"))
    AudienceReviewFactory(film=film, rating=Decimal("4.0"))
    refresh_film_scores(film=film)
    assert film.audience_score == 50
    client.force_login(moderator)

    response = client.post(
        reverse("admin:reviews_audiencereview_changelist"),
        {"action": "hide_reviews", "_selected_action": [low.pk]},
    )

    assert response.status_code == 302
    film.refresh_from_db()
    assert film.audience_rating_count == 1
    assert film.audience_score == 100


def test_deleting_a_member_in_the_admin_takes_their_ratings_out_of_the_scores(
    client, admin_user, settings
):
    """Their reviews go with them (CASCADE); the films they rated must be rescored too."""
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    leaving = AudienceReviewFactory(film=film, rating=Decimal("1.0"))
    AudienceReviewFactory(film=film, rating=Decimal("4.0"))
    refresh_film_scores(film=film)
    assert film.audience_score == 50
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_delete", args=[leaving.user.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not AudienceReview.objects.filter(pk=leaving.pk).exists()
    film.refresh_from_db()
    assert film.audience_rating_count == 1
    assert film.audience_score == 100


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:films_film_changelist"),
        reverse("admin:films_film_add"),
        reverse("admin:reviews_criticreview_changelist"),
        reverse("admin:reviews_criticreview_add"),
        reverse("admin:reviews_critic_changelist"),
    ],
)
def test_an_editor_can_open_the_catalog_admin(client, editor, url):
    FilmFactory()
    client.force_login(editor)

    assert client.get(url).status_code == 200


def test_an_editor_can_open_a_films_change_form(client, editor):
    film = FilmFactory()
    CriticReviewFactory(film=film)
    client.force_login(editor)

    response = client.get(reverse("admin:films_film_change", args=[film.pk]))

    assert response.status_code == 200


def test_an_editor_cannot_open_the_members_admin(client, editor):
    client.force_login(editor)

    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_a_plain_member_is_sent_away_from_the_admin(client, member):
    client.force_login(member)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_plain_member_cannot_open_an_admin_form(client, member):
    client.force_login(member)

    response = client.get(reverse("admin:films_film_add"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Film.objects.exists()

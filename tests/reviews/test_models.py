"""Publication, Critic, CriticReview, AudienceReview: database constraints, names and URLs."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from reviews.models import AudienceReview, CriticReview, Sentiment
from tests.factories import (
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(create) -> None:
    """The database refuses the row (and the test's transaction stays usable)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# Critic reviews ------------------------------------------------------------------------------


def test_an_unknown_sentiment_is_rejected():
    assert_rejected(lambda: CriticReviewFactory(sentiment="meh"))


@pytest.mark.parametrize("sentiment", Sentiment.values)
def test_fresh_rotten_and_unclassified_are_accepted(sentiment):
    assert CriticReviewFactory(sentiment=sentiment).pk


def test_a_normalized_score_above_100_is_rejected():
    assert_rejected(lambda: CriticReviewFactory(normalized_score=101))


@pytest.mark.parametrize("score", [0, 100, None])
def test_a_normalized_score_from_0_to_100_or_none_is_accepted(score):
    assert CriticReviewFactory(normalized_score=score).pk


def test_a_critic_review_may_have_neither_critic_nor_publication():
    review = CriticReviewFactory(critic=None, publication=None)

    assert review.byline == ""
    assert str(review) == f"Unknown critic on {review.film}"


# Audience reviews ----------------------------------------------------------------------------


def test_a_second_review_of_the_same_film_by_the_same_member_is_rejected():
    review = AudienceReviewFactory()

    assert_rejected(lambda: AudienceReviewFactory(film=review.film, user=review.user))


def test_a_member_may_review_several_films_and_a_film_have_several_members():
    member, film = MemberFactory(), FilmFactory()

    AudienceReviewFactory(user=member, film=film)
    AudienceReviewFactory(user=member)
    AudienceReviewFactory(film=film)

    assert AudienceReview.objects.count() == 3


@pytest.mark.parametrize("rating", ["0", "0.0", "5.5", "3.3", "-1.0"])
def test_a_rating_that_is_not_a_half_star_from_half_to_five_is_rejected(rating):
    assert_rejected(lambda: AudienceReviewFactory(rating=Decimal(rating)))


@pytest.mark.parametrize("rating", ["0.5", "1.0", "2.5", "3.5", "5.0"])
def test_half_star_ratings_are_accepted(rating):
    review = AudienceReviewFactory(rating=Decimal(rating))

    review.refresh_from_db()
    assert review.rating == Decimal(rating)


def test_a_review_with_neither_rating_nor_text_is_rejected():
    assert_rejected(lambda: AudienceReviewFactory(rating=None, body=""))


def test_a_review_with_text_and_no_rating_is_accepted():
    review = AudienceReviewFactory(rating=None, body="Haven't decided on stars yet.")

    review.refresh_from_db()
    assert review.rating is None


def test_a_rating_without_text_is_accepted():
    """Imported ratings have no text."""
    assert AudienceReviewFactory(rating=Decimal("3.5"), body="").pk


# Names and URLs ------------------------------------------------------------------------------


def test_a_publication_is_named_and_has_a_page():
    publication = PublicationFactory(name="The Village Voice")

    assert str(publication) == "The Village Voice"
    assert publication.get_absolute_url() == "/publications/the-village-voice/"


def test_a_critic_is_named_and_has_a_page():
    critic = CriticFactory(name="Manohla Dargis")

    assert str(critic) == "Manohla Dargis"
    assert critic.get_absolute_url() == "/critics/manohla-dargis/"


def test_a_critic_review_is_named_by_its_critic_or_else_its_publication():
    film = FilmFactory(title="Refusenik", year=2008)
    critic = CriticFactory(name="Manohla Dargis")
    publication = PublicationFactory(name="The New York Times")

    both = CriticReviewFactory(film=film, critic=critic, publication=publication)
    publication_only = CriticReviewFactory(film=film, critic=None, publication=publication)

    assert str(both) == "Manohla Dargis on Refusenik (2008)"
    assert both.byline == "Manohla Dargis · The New York Times"
    assert str(publication_only) == "The New York Times on Refusenik (2008)"
    assert publication_only.byline == "The New York Times"


def test_an_audience_review_is_named_by_member_and_film():
    review = AudienceReviewFactory(
        user=MemberFactory(username="mina"), film=FilmFactory(title="Refusenik", year=2008)
    )

    assert str(review) == "mina on Refusenik (2008)"


# Querysets -----------------------------------------------------------------------------------


def test_critic_review_querysets_select_by_state():
    film = FilmFactory()
    fresh = CriticReviewFactory(film=film, sentiment=Sentiment.FRESH)
    rotten = CriticReviewFactory(film=film, sentiment=Sentiment.ROTTEN, critic=None)
    unclassified = CriticReviewFactory(film=film, sentiment=Sentiment.UNCLASSIFIED)
    draft = CriticReviewFactory(film=film, is_published=False)
    top = CriticReviewFactory(film=film, critic=CriticFactory(is_top_critic=True))

    reviews = CriticReview.objects.filter(film=film)
    assert set(reviews.published()) == {fresh, rotten, unclassified, top}
    assert set(reviews.fresh()) == {fresh, draft, top}
    assert set(reviews.rotten()) == {rotten}
    assert set(reviews.classified()) == {fresh, rotten, draft, top}
    assert set(reviews.top_critics()) == {top}


def test_visible_audience_reviews_leave_out_hidden_ones():
    shown = AudienceReviewFactory()
    AudienceReviewFactory(film=shown.film, is_hidden=True)

    assert list(AudienceReview.objects.visible()) == [shown]


def test_review_text_over_5000_characters_is_rejected():
    film, member = FilmFactory(), MemberFactory()

    assert_rejected(lambda: AudienceReview.objects.create(film=film, user=member, body="x" * 5001))
    AudienceReview.objects.create(film=film, user=member, body="x" * 5000)

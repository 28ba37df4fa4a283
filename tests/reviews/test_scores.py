"""PRODUCT.md "Scores: the rules", each rule at its edges.

Factories write reviews without touching the stored scores, so every test rescores the film
(`rescore`) or goes through the services before reading the film's stored fields.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from films.models import Film
from reviews.models import AudienceReview, CriticReview, Sentiment
from reviews.scores import (
    FilmScores,
    compute_film_scores,
    compute_scores,
    percent,
    refresh_film_scores,
    refresh_scores,
)
from reviews.services import (
    delete_critic_reviews,
    save_critic_review,
    set_audience_reviews_hidden,
    sync_critic_review_marks,
)
from tests.factories import (
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db


def add_critic_reviews(
    film: Film,
    *,
    fresh: int = 0,
    rotten: int = 0,
    unclassified: int = 0,
    top_critic: bool = False,
    published: bool = True,
    normalized_score: int | None = None,
) -> list[CriticReview]:
    """Bulk-create anonymous critic reviews (imported data: no critic, no publication)."""
    sentiments = (
        [Sentiment.FRESH] * fresh
        + [Sentiment.ROTTEN] * rotten
        + [Sentiment.UNCLASSIFIED] * unclassified
    )
    return CriticReview.objects.bulk_create(
        CriticReview(
            film=film,
            sentiment=sentiment,
            is_top_critic=top_critic,
            is_published=published,
            normalized_score=normalized_score,
            review_date=datetime.date(2024, 1, 1),
        )
        for sentiment in sentiments
    )


def add_ratings(film: Film, *ratings: str | None, hidden: bool = False) -> list[AudienceReview]:
    """Bulk-create one audience review per new member; a rating of None is a text-only review."""
    users = get_user_model().objects.bulk_create(MemberFactory.build_batch(len(ratings)))
    return AudienceReview.objects.bulk_create(
        AudienceReview(
            film=film,
            user=user,
            rating=None if rating is None else Decimal(rating),
            body="" if rating is not None else "No stars, just words.",
            is_hidden=hidden,
        )
        for user, rating in zip(users, ratings, strict=True)
    )


def rescore(film: Film) -> Film:
    """Recompute the film's stored scores and read them back from the database."""
    refresh_film_scores(film=film)
    film.refresh_from_db()
    return film


def turn_rotten(film: Film, count: int) -> None:
    """Editors reclassify `count` of the film's fresh reviews by critics who are not Top Critics."""
    pks = list(
        film.critic_reviews.fresh().filter(is_top_critic=False).values_list("pk", flat=True)[:count]
    )
    assert len(pks) == count
    CriticReview.objects.filter(pk__in=pks).update(sentiment=Sentiment.ROTTEN)


# Critics Score -------------------------------------------------------------------------------


def test_critics_score_is_hidden_with_four_classified_reviews():
    """Four reviews are too few: no score (and so never 0%), but the count is kept."""
    film = FilmFactory()
    add_critic_reviews(film, rotten=4)

    rescore(film)

    assert film.critics_score is None
    assert film.is_fresh is None
    assert film.critic_classified_count == 4
    assert film.critic_review_count == 4


def test_critics_score_is_shown_with_five_classified_reviews():
    film = FilmFactory()
    add_critic_reviews(film, fresh=5)

    rescore(film)

    assert film.critics_score == 100
    assert film.is_fresh is True


def test_five_rotten_reviews_give_a_shown_zero_score():
    """0% is a real score once there are enough reviews."""
    film = FilmFactory()
    add_critic_reviews(film, rotten=5)

    rescore(film)

    assert film.critics_score == 0
    assert film.is_fresh is False


def test_59_percent_is_rotten():
    film = FilmFactory()
    add_critic_reviews(film, fresh=10, rotten=7)  # 58.8% -> 59%

    rescore(film)

    assert film.critics_score == 59
    assert film.is_fresh is False


def test_60_percent_is_fresh():
    film = FilmFactory()
    add_critic_reviews(film, fresh=3, rotten=2)

    rescore(film)

    assert film.critics_score == 60
    assert film.is_fresh is True


@pytest.mark.parametrize(
    ("fresh", "rotten", "expected"),
    [
        (5, 3, 63),  # 62.5 -> 63
        (3, 5, 38),  # 37.5 -> 38
        (1, 7, 13),  # 12.5 -> 13
        (2, 4, 33),  # 33.3 -> 33
        (4, 2, 67),  # 66.7 -> 67
    ],
)
def test_critics_score_rounds_halves_up(fresh, rotten, expected):
    film = FilmFactory()
    add_critic_reviews(film, fresh=fresh, rotten=rotten)

    rescore(film)

    assert film.critics_score == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(0, 5, 0), (1, 2, 50), (5, 8, 63), (1, 200, 1), (199, 200, 100), (1, 3, 33), (2, 3, 67)],
)
def test_percent_rounds_halves_up(part, whole, expected):
    assert percent(part, whole) == expected


def test_unclassified_reviews_count_in_no_score_but_in_the_review_count():
    film = FilmFactory()
    add_critic_reviews(film, fresh=3, rotten=2, unclassified=10)

    rescore(film)

    assert film.critics_score == 60
    assert film.critic_classified_count == 5
    assert film.critic_review_count == 15


def test_unclassified_reviews_do_not_make_up_the_minimum():
    film = FilmFactory()
    add_critic_reviews(film, fresh=4, unclassified=10)

    rescore(film)

    assert film.critics_score is None
    assert film.critic_review_count == 14


def test_unpublished_reviews_count_nowhere():
    film = FilmFactory()
    add_critic_reviews(film, fresh=5, normalized_score=80)
    add_critic_reviews(
        film, rotten=5, unclassified=2, top_critic=True, published=False, normalized_score=0
    )

    rescore(film)

    assert film.critics_score == 100
    assert film.critic_review_count == 5
    assert film.critic_classified_count == 5
    assert film.top_critic_review_count == 0
    assert film.top_critics_score is None
    assert film.critics_average == Decimal("80.00")


def test_top_critics_score_counts_only_top_critic_reviews():
    film = FilmFactory()
    add_critic_reviews(film, fresh=4, rotten=1, top_critic=True)
    add_critic_reviews(film, rotten=5)

    rescore(film)

    assert film.critics_score == 40
    assert film.is_fresh is False
    assert film.top_critics_score == 80
    assert film.is_top_fresh is True
    assert film.top_critic_review_count == 5
    assert film.top_critic_classified_count == 5
    assert film.top_critic_fresh_count == 4


def test_top_critics_score_is_hidden_with_four_classified_top_critic_reviews():
    film = FilmFactory()
    add_critic_reviews(film, fresh=4, unclassified=1, top_critic=True)
    add_critic_reviews(film, fresh=5)

    rescore(film)

    assert film.critics_score == 100
    assert film.top_critic_review_count == 5
    assert film.top_critics_score is None
    assert film.is_top_fresh is None


def test_critics_average_is_the_mean_of_entered_normalized_scores():
    film = FilmFactory()
    for normalized in (70, 80, 85, 60, 67):
        add_critic_reviews(film, fresh=1, normalized_score=normalized)
    add_critic_reviews(film, rotten=2)  # no original score: left out of the average

    rescore(film)

    assert film.critics_average == Decimal("72.40")
    assert film.critics_average_out_of_ten == Decimal("7.2")


def test_critics_average_rounds_halves_up():
    film = FilmFactory()
    for normalized in (75, 75, 75, 75, 75, 76):
        add_critic_reviews(film, fresh=1, normalized_score=normalized)

    rescore(film)

    assert film.critics_average == Decimal("75.17")
    assert film.critics_average_out_of_ten == Decimal("7.5")


def test_critics_average_needs_as_many_entered_scores_as_the_critics_score():
    film = FilmFactory()
    add_critic_reviews(film, fresh=4, normalized_score=90)
    add_critic_reviews(film, fresh=6)

    rescore(film)

    assert film.critics_score == 100
    assert film.critics_average is None


def test_odd_threshold_settings_do_not_break_scoring(settings):
    settings.SCORES_MIN_CRITIC_REVIEWS = 0
    settings.SCORES_MIN_AUDIENCE_RATINGS = 0
    settings.SCORES_AUDIENCE_LIKED_STARS = 3.3
    film = FilmFactory()

    rescore(film)

    assert film.critics_score is None
    assert film.audience_score is None
    AudienceReviewFactory(film=film, rating=Decimal("3.5"))
    AudienceReviewFactory(film=film, rating=Decimal("3.0"))
    rescore(film)
    assert film.audience_score == 50


def test_critics_average_is_empty_when_no_review_has_a_normalized_score():
    film = FilmFactory()
    add_critic_reviews(film, fresh=5)

    rescore(film)

    assert film.critics_average is None
    assert film.critics_average_out_of_ten is None


# Acclaimed -----------------------------------------------------------------------------------


def make_acclaimable(film: Film, *, fresh: int, rotten: int, top_critic_fresh: int = 5) -> Film:
    """`fresh` fresh reviews (of which `top_critic_fresh` by Top Critics) and `rotten` rotten."""
    add_critic_reviews(film, fresh=top_critic_fresh, top_critic=True)
    add_critic_reviews(film, fresh=fresh - top_critic_fresh, rotten=rotten)
    return rescore(film)


def test_acclaimed_is_earned_at_75_with_40_reviews_and_5_by_top_critics():
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)

    make_acclaimable(film, fresh=30, rotten=10)

    assert film.critics_score == 75
    assert film.acclaimed_earned is True
    assert film.is_acclaimed is True


def test_acclaimed_is_not_earned_at_74():
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)

    make_acclaimable(film, fresh=74, rotten=26)

    assert film.critics_score == 74
    assert film.acclaimed_earned is False
    assert film.is_acclaimed is False


@pytest.mark.parametrize("release_type", ["", Film.ReleaseType.LIMITED, Film.ReleaseType.FESTIVAL])
def test_acclaimed_is_not_earned_with_39_reviews_for_a_film_not_in_wide_release(release_type):
    film = FilmFactory(release_type=release_type)

    make_acclaimable(film, fresh=30, rotten=9)

    assert film.critics_score == 77
    assert film.acclaimed_earned is False


def test_acclaimed_is_earned_at_75_with_80_reviews_for_a_wide_release():
    film = FilmFactory(release_type=Film.ReleaseType.WIDE)

    make_acclaimable(film, fresh=60, rotten=20)

    assert film.critics_score == 75
    assert film.acclaimed_earned is True


def test_acclaimed_is_not_earned_with_79_reviews_for_a_wide_release():
    film = FilmFactory(release_type=Film.ReleaseType.WIDE)

    make_acclaimable(film, fresh=60, rotten=19)

    assert film.critics_score == 76
    assert film.acclaimed_earned is False


def test_acclaimed_is_not_earned_with_4_top_critic_reviews():
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)

    make_acclaimable(film, fresh=30, rotten=10, top_critic_fresh=4)

    assert film.critics_score == 75
    assert film.top_critic_classified_count == 4
    assert film.acclaimed_earned is False


def test_unclassified_top_critic_reviews_do_not_count_towards_acclaimed():
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)
    add_critic_reviews(film, unclassified=1, top_critic=True)

    make_acclaimable(film, fresh=30, rotten=10, top_critic_fresh=4)

    assert film.top_critic_review_count == 5
    assert film.acclaimed_earned is False


def test_acclaimed_once_earned_is_kept_at_70_and_lost_at_69():
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)
    make_acclaimable(film, fresh=75, rotten=25)
    assert film.acclaimed_earned is True

    turn_rotten(film, 5)
    rescore(film)
    assert film.critics_score == 70
    assert film.acclaimed_earned is True

    turn_rotten(film, 1)
    rescore(film)
    assert film.critics_score == 69
    assert film.acclaimed_earned is False
    assert film.is_acclaimed is False


def test_acclaimed_once_lost_needs_75_again():
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)
    make_acclaimable(film, fresh=69, rotten=31)
    assert film.acclaimed_earned is False

    CriticReview.objects.filter(
        pk__in=list(film.critic_reviews.rotten().values_list("pk", flat=True)[:5])
    ).update(sentiment=Sentiment.FRESH)
    rescore(film)

    assert film.critics_score == 74
    assert film.acclaimed_earned is False


def test_a_film_that_never_earned_acclaimed_is_not_acclaimed_at_72():
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)

    make_acclaimable(film, fresh=72, rotten=28)

    assert film.acclaimed_earned is False


def test_editors_can_force_acclaimed_on():
    film = FilmFactory(acclaimed_override=Film.AcclaimedOverride.ON)
    add_critic_reviews(film, rotten=5)

    rescore(film)

    assert film.acclaimed_earned is False
    assert film.is_acclaimed is True


def test_editors_can_force_acclaimed_off():
    film = FilmFactory(
        release_type=Film.ReleaseType.LIMITED, acclaimed_override=Film.AcclaimedOverride.OFF
    )

    make_acclaimable(film, fresh=40, rotten=0)

    assert film.acclaimed_earned is True
    assert film.is_acclaimed is False


def test_acclaimed_follows_the_rules_when_the_override_is_removed():
    film = FilmFactory(
        release_type=Film.ReleaseType.LIMITED, acclaimed_override=Film.AcclaimedOverride.OFF
    )
    make_acclaimable(film, fresh=40, rotten=0)

    film.acclaimed_override = Film.AcclaimedOverride.AUTO
    film.save()

    assert film.is_acclaimed is True


# Audience score ------------------------------------------------------------------------------


def test_audience_score_is_hidden_with_19_ratings():
    film = FilmFactory()
    add_ratings(film, *["4.0"] * 19)

    rescore(film)

    assert film.audience_rating_count == 19
    assert film.audience_score is None
    assert film.is_liked is None


def test_audience_score_is_shown_with_20_ratings():
    film = FilmFactory()
    add_ratings(film, *["4.0"] * 20)

    rescore(film)

    assert film.audience_rating_count == 20
    assert film.audience_score == 100
    assert film.is_liked is True


@pytest.mark.parametrize(
    ("rating", "liked"),
    [("0.5", False), ("3.0", False), ("3.5", True), ("4.0", True), ("5.0", True)],
)
def test_a_rating_is_liked_from_3_and_a_half_stars(settings, rating, liked):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    add_ratings(film, rating)

    rescore(film)

    assert film.audience_liked_count == int(liked)
    assert film.audience_score == (100 if liked else 0)


def test_59_percent_liked_is_not_liked():
    film = FilmFactory()
    add_ratings(film, *["3.5"] * 13, *["3.0"] * 9)  # 59.1% -> 59%

    rescore(film)

    assert film.audience_score == 59
    assert film.is_liked is False


def test_60_percent_liked_is_liked():
    film = FilmFactory()
    add_ratings(film, *["3.5"] * 12, *["3.0"] * 8)

    rescore(film)

    assert film.audience_score == 60
    assert film.is_liked is True


def test_audience_score_rounds_halves_up(settings):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    add_ratings(film, *["5.0"] * 5, *["1.0"] * 3)  # 62.5% -> 63%

    rescore(film)

    assert film.audience_score == 63


def test_hidden_reviews_count_in_no_audience_score():
    film = FilmFactory()
    add_ratings(film, *["4.0"] * 19)
    add_ratings(film, "1.0", "1.0", hidden=True)

    rescore(film)

    assert film.audience_rating_count == 19
    assert film.audience_score is None
    assert sum(film.audience_histogram) == 19


def test_text_only_reviews_count_in_no_audience_score():
    film = FilmFactory()
    add_ratings(film, *["4.0"] * 19)
    add_ratings(film, None, None)

    rescore(film)

    assert film.audience_rating_count == 19
    assert film.audience_score is None
    assert sum(film.audience_histogram) == 19


def test_audience_score_ignores_hidden_and_text_only_reviews_once_shown():
    film = FilmFactory()
    add_ratings(film, *["4.0"] * 20, None)
    add_ratings(film, *["0.5"] * 5, hidden=True)

    rescore(film)

    assert film.audience_rating_count == 20
    assert film.audience_score == 100
    assert film.audience_average == Decimal("4.0")


def test_audience_average_is_the_mean_to_one_decimal():
    film = FilmFactory()
    add_ratings(film, *["4.0"] * 11, *["3.5"] * 9)  # 3.775 -> 3.8

    rescore(film)

    assert str(film.audience_average) == "3.8"


def test_audience_histogram_counts_ratings_per_half_star(settings):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    add_ratings(film, "0.5", "3.0", "3.0", "3.5", "5.0", "5.0", "5.0", None)

    rescore(film)

    #                                0.5 1.0 1.5 2.0 2.5 3.0 3.5 4.0 4.5 5.0
    assert film.audience_histogram == [1, 0, 0, 0, 0, 2, 1, 0, 0, 3]
    assert film.histogram_rows[0] == (5.0, 3, 100)
    assert film.histogram_rows[-1] == (0.5, 1, 33)


def test_a_film_without_reviews_has_empty_scores():
    film = rescore(FilmFactory())

    assert film.critic_review_count == 0
    assert film.critics_score is None
    assert film.audience_score is None
    assert film.audience_average is None
    assert film.audience_histogram == [0] * 10
    assert film.acclaimed_earned is False


# recompute_scores ----------------------------------------------------------------------------


def test_recompute_scores_check_names_the_films_whose_stored_scores_drifted():
    good, drifted = FilmFactory(), FilmFactory()
    for film in (good, drifted):
        add_critic_reviews(film, fresh=5)
        rescore(film)
    Film.objects.filter(pk=drifted.pk).update(critics_score=12)

    with pytest.raises(CommandError) as raised:
        call_command("recompute_scores", "--check")

    message = str(raised.value)
    assert drifted.slug in message
    assert "critics_score" in message
    assert good.slug not in message
    drifted.refresh_from_db()
    assert drifted.critics_score == 12  # --check changes nothing


def test_recompute_scores_rebuilds_drifted_scores_and_then_check_passes(capsys):
    film = FilmFactory()
    add_critic_reviews(film, fresh=5)
    add_ratings(film, *["4.0"] * 20)
    rescore(film)
    Film.objects.filter(pk=film.pk).update(
        critics_score=12, audience_score=3, audience_histogram=[0] * 10
    )

    call_command("recompute_scores")
    film.refresh_from_db()
    call_command("recompute_scores", "--check")

    assert film.critics_score == 100
    assert film.audience_score == 100
    assert film.audience_histogram[7] == 20
    assert "1 film(s) checked; 0 differ." in capsys.readouterr().out


def test_recompute_scores_builds_scores_for_reviews_written_behind_its_back():
    film = FilmFactory()
    add_critic_reviews(film, fresh=3, rotten=2)  # bulk_create: the stored scores are not touched

    with pytest.raises(CommandError):
        call_command("recompute_scores", "--check")
    call_command("recompute_scores")

    film.refresh_from_db()
    assert film.critics_score == 60
    assert film.critic_review_count == 5


def test_recompute_scores_keeps_an_earned_acclaimed_badge():
    """Acclaimed depends on its history; rebuilding must not drop a badge still kept at 70."""
    film = FilmFactory(release_type=Film.ReleaseType.LIMITED)
    make_acclaimable(film, fresh=75, rotten=25)
    turn_rotten(film, 5)
    rescore(film)

    call_command("recompute_scores", "--check")
    call_command("recompute_scores")

    film.refresh_from_db()
    assert film.critics_score == 70
    assert film.acclaimed_earned is True


# Many films at once ----------------------------------------------------------------------------


def scored_films(count: int) -> list[Film]:
    """Films with critic reviews and ratings of their own, scores not yet stored."""
    films = FilmFactory.create_batch(count)
    for n, film in enumerate(films):
        add_critic_reviews(film, fresh=n % 7, rotten=3, normalized_score=60 + n)
        add_ratings(film, *["4.5", "2.0", "3.5"][: n % 3 + 1] * 8)
    return films


def test_scoring_films_together_gives_each_the_scores_it_gets_alone():
    acclaimed = FilmFactory(release_type=Film.ReleaseType.LIMITED)
    make_acclaimable(acclaimed, fresh=75, rotten=25)
    turn_rotten(acclaimed, 5)  # down to 70: kept, because it was earned
    films = [*scored_films(7), acclaimed]

    together = compute_scores(list(Film.objects.filter(pk__in=[f.pk for f in films])))

    for film in Film.objects.filter(pk__in=[f.pk for f in films]):
        assert together[film.pk] == compute_film_scores(film)
    assert together[acclaimed.pk].acclaimed_earned is True


@pytest.mark.parametrize("count", [1, 30])
def test_refresh_scores_makes_the_same_queries_for_one_film_or_many(
    count, django_assert_num_queries
):
    films = scored_films(count)

    with django_assert_num_queries(3):  # the films, their critic reviews, their ratings
        changed = refresh_scores(film_ids=[f.pk for f in films], check=True)

    assert len(changed) == count  # nothing was stored yet
    assert not Film.objects.filter(audience_rating_count__gt=0).exists()  # --check writes nothing


def test_refresh_scores_stores_only_what_changed_in_batches(django_assert_max_num_queries):
    films = scored_films(5)
    refresh_scores(film_ids=[films[0].pk])

    changed = refresh_scores(film_ids=[f.pk for f in films], batch_size=2)

    assert [film.pk for film, _ in changed] == [f.pk for f in films[1:]]
    assert "audience_rating_count" in changed[0][1]
    for film in Film.objects.filter(pk__in=[f.pk for f in films]):
        assert FilmScores.stored_on(film) == compute_film_scores(film)
    with django_assert_max_num_queries(3 * (2 + 3)):  # three batches, no writes
        assert refresh_scores(film_ids=[f.pk for f in films], batch_size=2) == []


# Through the services ------------------------------------------------------------------------


def test_save_critic_review_updates_the_stored_score_in_the_same_call():
    film = FilmFactory()
    add_critic_reviews(film, fresh=4)
    rescore(film)
    assert film.critics_score is None

    save_critic_review(
        review=CriticReview(film=film, critic=CriticFactory(), sentiment=Sentiment.ROTTEN)
    )

    film.refresh_from_db()
    assert film.critic_review_count == 5
    assert film.critics_score == 80


def test_save_critic_review_gives_the_review_its_critics_top_critic_flag():
    film = FilmFactory()
    top, other = CriticFactory(is_top_critic=True), CriticFactory(is_top_critic=False)

    marked = save_critic_review(review=CriticReview(film=film, critic=top, is_top_critic=False))
    unmarked = save_critic_review(review=CriticReview(film=film, critic=other, is_top_critic=True))

    assert marked.is_top_critic is True
    assert unmarked.is_top_critic is False
    film.refresh_from_db()
    assert film.top_critic_review_count == 1


def test_save_critic_review_keeps_the_editors_mark_when_the_critic_is_unknown():
    film = FilmFactory()

    review = save_critic_review(review=CriticReview(film=film, critic=None, is_top_critic=True))

    assert review.is_top_critic is True
    film.refresh_from_db()
    assert film.top_critic_review_count == 1


def test_moving_a_critic_review_to_another_film_rescores_both_films():
    first, second = FilmFactory(), FilmFactory()
    add_critic_reviews(first, fresh=4)
    add_critic_reviews(second, fresh=4)
    review = CriticReviewFactory(film=first)
    rescore(first)
    assert first.critics_score == 100

    review.film = second
    save_critic_review(review=review)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.critic_review_count == 4
    assert first.critics_score is None
    assert second.critic_review_count == 5
    assert second.critics_score == 100


def test_delete_critic_reviews_rescores_the_film():
    film = FilmFactory()
    add_critic_reviews(film, fresh=4)
    reviews = add_critic_reviews(film, rotten=2)
    rescore(film)
    assert film.critics_score == 67

    delete_critic_reviews(reviews=reviews[:1])

    film.refresh_from_db()
    assert film.critics_score == 80


def test_sync_critic_review_marks_carries_the_top_critic_flag_and_rescores():
    film = FilmFactory()
    critic = CriticFactory(is_top_critic=False)
    CriticReviewFactory.create_batch(4, film=film, critic=critic, sentiment=Sentiment.FRESH)
    CriticReviewFactory(film=film, critic=critic, sentiment=Sentiment.ROTTEN)
    rescore(film)
    assert film.top_critics_score is None

    critic.is_top_critic = True
    critic.save()
    sync_critic_review_marks(critic=critic)

    assert set(critic.reviews.values_list("is_top_critic", flat=True)) == {True}
    film.refresh_from_db()
    assert film.top_critic_review_count == 5
    assert film.top_critics_score == 80

    critic.is_top_critic = False
    critic.save()
    sync_critic_review_marks(critic=critic)

    film.refresh_from_db()
    assert film.top_critic_review_count == 0
    assert film.top_critics_score is None


def test_set_audience_reviews_hidden_removes_them_from_the_audience_score():
    film = FilmFactory()
    reviews = add_ratings(film, *["4.0"] * 20)
    low = AudienceReviewFactory(film=film, rating=Decimal("1.0"))
    rescore(film)
    assert film.audience_score == 95

    set_audience_reviews_hidden(reviews=[low], hidden=True)
    film.refresh_from_db()
    assert film.audience_score == 100
    assert film.audience_rating_count == 20

    set_audience_reviews_hidden(reviews=reviews[:1], hidden=True)
    film.refresh_from_db()
    assert film.audience_score is None
    assert film.audience_rating_count == 19

    set_audience_reviews_hidden(reviews=[low, *reviews[:1]], hidden=False)
    film.refresh_from_db()
    assert film.audience_rating_count == 21
    assert film.audience_score == 95


def test_recompute_scores_check_detects_and_the_command_fixes_stale_top_critic_marks():
    film = FilmFactory()
    critic = CriticFactory(is_top_critic=True)
    CriticReviewFactory.create_batch(5, film=film, critic=critic, sentiment=Sentiment.FRESH)
    rescore(film)
    CriticReview.objects.filter(film=film).update(is_top_critic=False)  # drift

    with pytest.raises(CommandError, match="Top Critic mark"):
        call_command("recompute_scores", "--check")

    call_command("recompute_scores", stdout=io.StringIO())

    assert set(CriticReview.objects.values_list("is_top_critic", flat=True)) == {True}
    assert rescore(film).top_critics_score == 100
    call_command("recompute_scores", "--check", stdout=io.StringIO())

"""`generate_data --scale N`: deterministic synthetic data for benchmarks."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse

from films.models import Credit, Film, Genre, Person
from films.synthetic import (
    BENCH_MEMBER_COUNT,
    BENCH_MEMBER_PREFIX,
    BENCH_PASSWORD,
    HOT_FILM_SLUG,
    HOT_FILM_TITLE,
    HOT_THREAD_TITLE,
    Sizes,
)
from forums.models import MOVIE_FORUM_SLUG, Post, Thread
from forums.services import sync_forums
from news.models import Article
from reviews.models import AudienceReview, Critic, CriticReview, HelpfulVote, Publication
from tests.factories import FilmFactory, GenreFactory, MemberFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

SCALE = 0.002  # 20 films, 400 critic reviews, 2,000 ratings, 200 posts: a second or so


def generate(*args: str, scale: float = SCALE) -> str:
    """Run the command; its output."""
    out = StringIO()
    call_command("generate_data", "--scale", str(scale), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def generated() -> str:
    return generate()


def test_scale_one_is_the_size_the_issue_asks_for():
    sizes = Sizes.for_scale(1)
    assert (sizes.films, sizes.people, sizes.critic_reviews) == (10_000, 50_000, 200_000)
    assert (sizes.audience_reviews, sizes.posts) == (1_000_000, 100_000)
    assert (sizes.hot_critic_reviews, sizes.hot_audience_reviews, sizes.hot_posts) == (
        1_000,
        20_000,
        5_000,
    )
    assert sizes.critics == 2_000
    assert sizes.publications == 300


def test_every_count_scales_linearly():
    one, half = Sizes.for_scale(1), Sizes.for_scale(0.5)
    for name in ("films", "people", "members", "critic_reviews", "audience_reviews", "posts"):
        assert getattr(half, name) * 2 == getattr(one, name), name


def test_a_tiny_scale_keeps_the_hot_items_the_largest_with_a_few_dozen_rows():
    sizes = Sizes.for_scale(0.0001)
    assert sizes.hot_critic_reviews >= 40
    assert sizes.hot_audience_reviews >= 60
    assert sizes.hot_posts >= 40
    # One rating a member and film: the hot film's need as many members.
    assert sizes.members >= sizes.hot_audience_reviews
    assert sizes.critics >= sizes.hot_critic_reviews


def test_the_rows_are_proportional_to_the_scale(generated):
    assert Film.objects.count() == 20
    assert Person.objects.count() == 100
    assert CriticReview.objects.count() == 400
    assert AudienceReview.objects.count() == 2_000
    assert Post.objects.count() == 200
    assert Thread.objects.count() == 20
    assert Article.objects.count() >= 3
    assert Publication.objects.count() >= 5
    assert Critic.objects.count() >= 40
    # About ten credits a film, and every person has at least one.
    assert 8 * 20 <= Credit.objects.count() <= 12 * 20
    assert not Person.objects.filter(credits__isnull=True).exists()


def test_a_tenth_of_the_ratings_have_a_text(generated):
    with_text = AudienceReview.objects.exclude(body="").count()
    assert 0.07 < with_text / 2_000 < 0.13
    assert not AudienceReview.objects.filter(rating__isnull=True).exists()


def test_some_films_are_unreleased_without_reviews_or_scores(generated):
    unreleased = Film.objects.filter(release_date__year__gte=2029)
    assert unreleased.exists()
    for film in unreleased:
        assert not film.is_released
        assert film.critic_review_count == film.audience_rating_count == 0
        assert film.critics_score is None and film.audience_score is None


def test_the_output_reports_each_stage_and_a_summary(generated):
    assert "films" in generated and "20 rows" in generated
    assert "audience reviews" in generated and "2,000 rows" in generated
    assert "Done in" in generated
    assert HOT_FILM_SLUG in generated


def test_the_hot_film_has_the_most_critic_reviews_and_ratings(generated):
    hot = Film.objects.get(slug=HOT_FILM_SLUG)
    assert (hot.title, hot.year) == (HOT_FILM_TITLE, 2024)
    assert hot.is_released and hot.consensus
    assert hot.critics_score is not None and hot.audience_score is not None
    assert "Drama" in {genre.name for genre in hot.genres.all()}
    assert {credit.role for credit in hot.credits.all()} == {"director", "writer", "cast"}
    others = Film.objects.exclude(pk=hot.pk).aggregate(
        critic=Max("critic_review_count"), audience=Max("audience_rating_count")
    )
    assert hot.critic_review_count > others["critic"]
    assert hot.audience_rating_count > others["audience"]
    assert (
        CriticReview.objects.filter(film=hot).count() == Sizes.for_scale(SCALE).hot_critic_reviews
    )


def test_the_hot_thread_has_the_most_posts(generated):
    hot = Thread.objects.get(title=HOT_THREAD_TITLE)
    assert hot.board.slug == MOVIE_FORUM_SLUG
    assert hot.film.slug == HOT_FILM_SLUG
    most, second = Post.objects.values("thread").annotate(n=Count("pk")).order_by("-n")[:2]
    assert most == {"thread": hot.pk, "n": Sizes.for_scale(SCALE).hot_posts}
    assert most["n"] > second["n"]
    assert hot.reply_count == most["n"] - 1


def test_threads_are_spread_over_the_movie_forum_and_general_boards(generated):
    boards = set(Thread.objects.values_list("board__slug", flat=True))
    assert MOVIE_FORUM_SLUG in boards and len(boards) > 1
    assert not Thread.objects.filter(board__slug=MOVIE_FORUM_SLUG, film__isnull=True).exists()
    assert Article.objects.filter(films__slug=HOT_FILM_SLUG).exists()


def test_bench_members_can_log_in_and_have_written_nothing(client, generated):
    bench = User.objects.filter(username__startswith=BENCH_MEMBER_PREFIX)
    assert bench.count() == BENCH_MEMBER_COUNT
    assert all(member.is_active for member in bench)
    assert not AudienceReview.objects.filter(user__in=bench).exists()
    assert not Post.objects.filter(author__in=bench).exists()
    assert len(set(bench.values_list("password", flat=True))) == 1  # hashed once

    response = client.post(
        "/accounts/login/",
        {"username": f"{BENCH_MEMBER_PREFIX}{BENCH_MEMBER_COUNT}", "password": BENCH_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.username == f"{BENCH_MEMBER_PREFIX}200"


def test_bench_members_and_genres_already_there_are_reused(client):
    MemberFactory(username=f"{BENCH_MEMBER_PREFIX}1", is_active=False)
    GenreFactory(name="drama")
    generate()
    assert User.objects.filter(username__startswith=BENCH_MEMBER_PREFIX).count() == 200
    assert Genre.objects.filter(name__iexact="drama").count() == 1
    response = client.post(
        "/accounts/login/", {"username": f"{BENCH_MEMBER_PREFIX}1", "password": BENCH_PASSWORD}
    )
    assert response.status_code == 302


def test_other_members_cannot_log_in(generated):
    member = User.objects.exclude(username__startswith=BENCH_MEMBER_PREFIX).first()
    assert not member.has_usable_password()


def test_stored_scores_and_counters_match_the_rows(generated):
    out = StringIO()
    call_command("recompute_scores", "--check", stdout=out)  # raises on any difference
    assert "20 film(s) checked; 0 differ." in out.getvalue()
    assert sync_forums(fix=False) == []
    assert not HelpfulVote.objects.exists()
    assert not AudienceReview.objects.exclude(helpful_count=0).exists()


def test_the_film_page_the_hot_thread_and_browse_answer(client, generated):
    thread = Thread.objects.get(title=HOT_THREAD_TITLE)
    for url in (
        reverse("films:detail", kwargs={"slug": HOT_FILM_SLUG}),
        thread.get_absolute_url(),
        reverse("films:list"),
        reverse("forums:board", kwargs={"slug": MOVIE_FORUM_SLUG}),
    ):
        assert client.get(url).status_code == 200, url


def fingerprint() -> dict[str, list]:
    """What the generated data says, without primary keys (they differ run to run)."""
    return {
        "films": list(
            Film.objects.order_by("slug").values_list(
                "title", "slug", "year", "release_date", "synopsis", "consensus", "critics_score"
            )
        ),
        "ratings": list(
            AudienceReview.objects.order_by("film__slug", "user__username").values_list(
                "film__slug", "user__username", "rating", "body", "created_at"
            )
        ),
        "critic reviews": list(
            CriticReview.objects.order_by("film__slug", "critic__slug").values_list(
                "film__slug", "critic__slug", "sentiment", "normalized_score", "review_date"
            )
        ),
        "people": list(Person.objects.order_by("slug").values_list("name", "slug")),
        "credits": sorted(
            Credit.objects.values_list("film__slug", "person__slug", "role", "character")
        ),
        "posts": list(
            Post.objects.order_by("created_at", "body").values_list(
                "thread__title", "author__username", "body", "created_at"
            )
        ),
        "articles": list(Article.objects.order_by("slug").values_list("slug", "body")),
    }


def generated_fingerprint(*args: str) -> dict[str, list]:
    """Generate, read the fingerprint, and roll the data back for the next run."""
    with transaction.atomic():
        generate(*args)
        found = fingerprint()
        transaction.set_rollback(True)
    assert not Film.objects.exists()
    return found


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = generated_fingerprint()
    assert first == generated_fingerprint("--seed", "1")
    other = generated_fingerprint("--seed", "2")
    for name in ("films", "ratings", "people", "posts"):
        assert other[name] != first[name], name


def test_it_refuses_a_catalogue_that_has_films():
    FilmFactory()
    with pytest.raises(CommandError, match="already has 1 film"):
        generate()
    assert not Person.objects.exists()
    assert not User.objects.filter(username__startswith=BENCH_MEMBER_PREFIX).exists()


@pytest.mark.parametrize("scale", ["0", "-1", "abc", "101", "nan", "inf", ""])
def test_it_refuses_a_scale_that_is_not_a_positive_number_up_to_100(scale):
    with pytest.raises(CommandError, match="scale"):
        call_command("generate_data", "--scale", scale, stdout=StringIO())
    assert not Film.objects.exists()


@pytest.mark.parametrize("scale", [0, -0.5, 1000])
def test_it_refuses_a_bad_scale_passed_as_an_option(scale):
    with pytest.raises(CommandError, match="scale"):
        call_command("generate_data", scale=scale, stdout=StringIO())

"""`load_demo_data`: the seed film exactly as the seed page tells it, a demo catalogue that shows
every state of the scores, demo accounts, and a second run that changes nothing."""

import datetime
import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from films.models import Credit, Film
from forums.models import MOVIE_FORUM_SLUG, Board, Thread
from news.models import Article
from reviews.models import AudienceReview, CriticReview

pytestmark = pytest.mark.django_db

User = get_user_model()

# sha256 of the seed page's synopsis and audience review lines: the texts are long, and must
# equal the seed's to the character (typos included), so a digest is the honest comparison.
SEED_SYNOPSIS_SHA256 = "63dd8db58f2fda17749160bd1e68bf744e8be6de1369448577f5ac23959c3d7a"
SEED_AUDIENCE_REVIEW_SHA256 = "7b72fa9cd4c3be578aa28bf879311a5809ba574789ad2f3e0f21288ff8c5d283"

SEED_REVIEWS = [
    ("Time Out", datetime.date(2011, 11, 17), ""),
    ("Time Out", datetime.date(2011, 11, 16), ""),
    (
        None,
        datetime.date(2008, 10, 18),
        "One credits their naivete as the best tool to change history, as, because of it, they "
        "refused to cave in to excuse-making politicians and initial indifference in the "
        "Jewish-American community.",
    ),
    ("St. Louis Post-Dispatch", datetime.date(2008, 10, 18), ""),
    (
        "Chicago Tribune",
        datetime.date(2008, 6, 19),
        "There are fascinating archival clips that show rare glimpses of early years of struggle "
        "behind the Iron Curtain, while the story eventually moves through such momentous "
        "footage as the Helsinki Accords and the fall of the Berlin Wall.",
    ),
    (
        "Boston Globe",
        datetime.date(2008, 5, 30),
        "The result is a documentary that plays like a fat, satisfying work of nonfiction "
        "literature -- the final word because it seems to contain every word.",
    ),
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Posters and photos are drawn into a temporary folder, never into the repo."""
    settings.MEDIA_ROOT = tmp_path / "media"


def load() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def snapshot() -> dict[str, list[tuple]]:
    """Every row, every column, of every model the command may touch (M2M tables included)."""
    models = [
        model
        for label in ("films", "reviews", "forums", "news")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    models += [User, User.groups.through]
    return {
        model._meta.label: list(
            model._default_manager.order_by("pk").values_list(
                *(f.attname for f in model._meta.concrete_fields)
            )
        )
        for model in models
    }


def media_files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_a_second_run_leaves_the_same_rows_and_files(settings):
    load()
    first, first_files = snapshot(), media_files(Path(settings.MEDIA_ROOT))

    load()

    second = snapshot()
    for label, rows in first.items():
        assert len(second[label]) == len(rows), label
        assert second[label] == rows, label
    # Images already on disk are neither drawn again nor saved under new names.
    assert media_files(Path(settings.MEDIA_ROOT)) == first_files
    assert first_files


def test_the_seed_film_is_exactly_as_the_seed_page_tells_it():
    load()

    film = Film.objects.get(slug="refusenik-2008")
    assert (film.title, film.year) == ("Refusenik", 2008)
    assert sha256(film.synopsis) == SEED_SYNOPSIS_SHA256
    assert film.synopsis.startswith("Historically speaking, documentarist Laura Bialis'")
    assert "into as massive, transcontinental" in film.synopsis  # the seed's typo, kept
    assert set(film.genres.values_list("name", flat=True)) == {"Documentary", "Special Interest"}
    crew = list(film.credits.values_list("person__name", "role", "character"))
    assert crew == [("Laura Bialis", Credit.Role.DIRECTOR, "")]
    # Facts the seed does not give stay empty.
    assert film.consensus == ""
    assert film.release_date is None
    assert (film.rating, film.runtime, film.studio, film.release_type) == ("", None, "", "")
    assert not film.poster
    assert not film.photos.exists()
    assert not film.threads.exists()
    assert not film.articles.exists()

    reviews = film.critic_reviews.published().for_listing()
    assert [
        (r.publication.name if r.publication else None, r.review_date, r.excerpt) for r in reviews
    ] == SEED_REVIEWS
    for review in reviews:
        assert review.critic is None
        assert review.is_top_critic is True
        assert review.sentiment == ""
        assert review.url == ""
        assert (review.original_score, review.normalized_score) == ("", None)
    assert film.critic_review_count == 6
    assert film.top_critic_review_count == 6
    assert film.critics_score is None

    [audience_review] = film.audience_reviews.select_related("user")
    assert audience_review.user.display_name == "Fern Sidman"
    assert not audience_review.user.has_usable_password()
    assert sha256(audience_review.body) == SEED_AUDIENCE_REVIEW_SHA256
    assert "The forecefully spoke out" in audience_review.body
    assert audience_review.rating is None
    assert audience_review.has_spoilers is False
    assert film.audience_rating_count == 0


def test_the_seed_audience_review_keeps_the_date_it_was_first_loaded():
    started = timezone.now()
    load()
    first = Film.objects.get(slug="refusenik-2008").audience_reviews.get().created_at

    load()

    assert first >= started
    assert Film.objects.get(slug="refusenik-2008").audience_reviews.get().created_at == first


def test_every_score_state_has_an_example():
    load()
    films = Film.objects.exclude(slug="refusenik-2008")

    assert films.filter(
        critics_score__isnull=True, critic_review_count__gt=0, audience_rating_count__gt=0
    ).exists(), "a film with reviews but no score yet"
    assert films.filter(critics_score__gte=60).exists()
    assert films.filter(critics_score__lt=60).exists()
    assert films.filter(acclaimed_earned=True).exclude(release_type="wide").exists()
    assert films.filter(acclaimed_earned=True, release_type="wide").exists()
    assert films.filter(audience_score__gte=60).exists()
    assert films.filter(audience_score__lt=60).exists()
    assert films.filter(audience_score__isnull=True, audience_rating_count__gt=0).exists()


def test_the_catalogue_has_a_future_film_and_a_bare_one():
    load()

    future = Film.objects.get(release_date__gt=datetime.date.today())
    assert not future.critic_reviews.exists()
    assert not future.audience_reviews.exists()
    bare = Film.objects.get(year__isnull=True)
    assert bare.synopsis == bare.studio == bare.consensus == ""
    assert not bare.genres.exists()
    assert not bare.credits.exists()
    assert not bare.poster


def test_the_catalogue_is_rich_enough_for_every_page():
    load()

    films = Film.objects.exclude(slug="refusenik-2008")
    assert films.count() >= 32
    assert films.exclude(poster="").count() >= 30
    assert films.filter(photos__isnull=False).distinct().count() >= 10
    assert films.filter(consensus="").exists() and films.exclude(consensus="").exists()
    for film in films.filter(critic_review_count__gt=0):
        assert film.credits.filter(role=Credit.Role.DIRECTOR).exists()
        assert 4 <= film.credits.filter(role=Credit.Role.CAST).count() <= 14
    reviews = CriticReview.objects.filter(film__in=films)
    assert reviews.filter(is_top_critic=True).exists()
    assert reviews.filter(sentiment="").exists()
    assert reviews.exclude(original_score="").filter(normalized_score__isnull=False).exists()
    assert not reviews.exclude(is_top_critic=F("critic__is_top_critic")).exists()
    audience = films.values_list("audience_reviews__body", "audience_reviews__has_spoilers")
    assert any(spoilers for _, spoilers in audience)
    assert any(body and "||" in body for body, _ in audience)
    # "Most helpful" has something to sort by; nobody voted for their own review.
    assert AudienceReview.objects.filter(helpful_count__gt=1).count() >= 20
    assert not AudienceReview.objects.filter(votes__user=F("user")).exists()


def test_stored_scores_match_the_reviews():
    load()

    call_command("recompute_scores", "--check", stdout=StringIO())


def test_forum_threads_and_news_are_linked_to_films():
    load()

    board = Board.objects.get(slug=MOVIE_FORUM_SLUG)
    assert Board.objects.filter(name="Movie forum").count() == 1
    threads = Thread.objects.filter(board=board, film__isnull=False)
    assert threads.count() >= 3
    for thread in threads:
        posts = thread.posts.order_by("created_at")
        assert thread.reply_count == posts.count() - 1 >= 1
        assert thread.last_poster_id == posts.last().author_id
    assert Article.objects.published().filter(films__critic_review_count__gt=0).exists()


@pytest.mark.parametrize(
    ("username", "group", "is_staff"),
    [("editor", "Editors", True), ("moderator", "Moderators", True), ("member", None, False)],
)
def test_demo_accounts_can_log_in_with_their_roles(client, username, group, is_staff):
    output = load()

    user = User.objects.get(username=username)
    assert user.is_staff is is_staff
    assert list(user.groups.values_list("name", flat=True)) == ([group] if group else [])
    response = client.post(
        "/accounts/login/", {"username": username, "password": "demo-password-123"}
    )
    assert response.status_code == 302
    assert f"{username:<10} demo-password-123" in output


def test_the_output_points_to_the_seed_film():
    assert "/films/refusenik-2008/" in load()

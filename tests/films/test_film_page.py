"""The film page: every section of PRODUCT.md "The film page", in order, for any film."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from films.models import Credit, Film, Photo
from reviews.models import AudienceReview, CriticReview
from reviews.scores import refresh_film_scores
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    MemberFactory,
    PersonFactory,
    PhotoFactory,
    PublicationFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

SECTION_HEADINGS = [
    "Critic Consensus",
    "Photos",
    "Movie Info",
    "Cast",
    "Critic Reviews for",
    "Audience Reviews for",
    "Discussion Forum",
    "News & Features",
]


def h2_texts(html: str) -> list[str]:
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in headings]


@pytest.fixture
def full_film():
    """A film with something in every section."""
    film = FilmFactory(
        title="The Long Night",
        year=2019,
        synopsis="A lighthouse keeper waits out a storm.",
        rating=Film.Rating.PG13,
        runtime=118,
        release_date=date(2019, 10, 4),
        release_type=Film.ReleaseType.WIDE,
        studio="Harbor Pictures",
        consensus="Moody and gripping.",
    )
    film.genres.add(GenreFactory(name="Drama"), GenreFactory(name="Thriller"))
    CreditFactory(film=film, person=PersonFactory(name="Ada Director"), role=Credit.Role.DIRECTOR)
    CreditFactory(film=film, person=PersonFactory(name="Wes Writer"), role=Credit.Role.WRITER)
    for i in range(8):
        CreditFactory(
            film=film,
            person=PersonFactory(name=f"Actor {i}"),
            role=Credit.Role.CAST,
            character=f"Keeper {i}",
            order=i,
        )
    PhotoFactory(film=film, alt_text="The lighthouse at dusk")
    top = CriticFactory(name="Tess Top", is_top_critic=True)
    paper = PublicationFactory(name="The Daily Reel")
    for i in range(6):
        CriticReviewFactory(
            film=film,
            critic=top if i == 0 else None,
            is_top_critic=i == 0,
            publication=paper,
            sentiment="fresh" if i < 5 else "rotten",
            excerpt=f"Excerpt number {i}.",
            url="https://example.com/review" if i == 0 else "",
            original_score="3/4" if i == 0 else "",
        )
    for i in range(25):
        AudienceReviewFactory(film=film, rating=Decimal("4.5") if i < 20 else Decimal("2.0"))
    ThreadFactory(film=film, title="That ending, explained")
    ArticleFactory(title="Behind the storm").films.add(film)
    refresh_film_scores(film=film)
    return film


def test_every_section_renders_in_order(client, full_film):
    response = client.get(full_film.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    headings = h2_texts(html)
    positions = [
        next(i for i, h in enumerate(headings) if expected in h) for expected in SECTION_HEADINGS
    ]
    assert positions == sorted(positions)
    assert html.count("<h1") == 1
    for text in [
        "The Long Night",
        "(2019)",
        "PG-13",
        "1h 58m",
        "Drama, Thriller",
        "Moody and gripping.",
        "The lighthouse at dusk",
        "A lighthouse keeper waits out a storm.",
        "Ada Director",
        "Wes Writer",
        "Oct 4, 2019",
        "Harbor Pictures",
        "Keeper 0",
        "Show More Cast",
        "All Critics (6)",
        "Top Critics (1)",
        "Tess Top",
        "The Daily Reel",
        "Top Critic",
        "Excerpt number 0.",
        "Full Review",
        "Original score: 3/4",
        "Discuss The Long Night on our Movie forum!",
        "That ending, explained",
        "Behind the storm",
    ]:
        assert text in html, text


def test_scores_panel_shows_numbers_icons_states_and_counts(client, full_film):
    html = client.get(full_film.get_absolute_url()).content.decode()
    assert "83%" in html  # 5 fresh of 6
    assert "Fresh" in html
    assert "80%" in html  # 20 of 25 ratings at 3.5 stars or more
    assert "Liked" in html
    assert "6 reviews" in html
    assert "25 ratings" in html
    assert "critics-fresh.svg" in html
    assert "audience-liked.svg" in html
    assert "4.0/5" in html  # (20 * 4.5 + 5 * 2.0) / 25


def test_a_film_with_nothing_but_a_title_renders(client):
    film = Film.objects.create(title="Untitled Project")
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Untitled Project" in html
    assert "No consensus yet." in html
    assert "Not enough reviews yet" in html
    assert "0%" not in html
    assert "No photos yet." in html
    assert "No cast listed yet." in html
    assert "All Critics (0)" in html
    assert "No critic reviews yet." in html
    assert "No audience reviews yet." in html
    for empty_fact in ["Directed By", "Written By", "In Theaters", "Studio", "Runtime"]:
        assert empty_fact not in html


def test_too_few_reviews_show_the_count_and_never_zero_percent(client):
    film = FilmFactory()
    for _ in range(4):
        CriticReviewFactory(film=film, sentiment="rotten")
    refresh_film_scores(film=film)
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Not enough reviews yet" in html
    assert "4 reviews" in html
    assert "0%" not in html


def test_acclaimed_badge_shows_when_the_editor_forces_it(client):
    film = FilmFactory(acclaimed_override=Film.AcclaimedOverride.ON)
    assert "Acclaimed" in client.get(film.get_absolute_url()).content.decode()
    film.acclaimed_override = Film.AcclaimedOverride.OFF
    film.acclaimed_earned = True
    film.save()
    assert "Acclaimed" not in client.get(film.get_absolute_url()).content.decode()


def test_the_seed_film_shows_the_seed_page_texts(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = client.get("/films/refusenik-2008/").content.decode()
    html = html.replace("&#x27;", "'").replace("&quot;", '"')
    assert "Refusenik" in html
    assert "(2008)" in html
    assert "No consensus yet." in html
    assert "Refusenik Photos" in html
    assert "Historically speaking, documentarist Laura Bialis' nonfiction effort" in html
    assert "Documentary, Special Interest" in html
    assert "Laura Bialis" in html
    assert "All Critics (6)" in html
    assert "Top Critics (6)" in html
    assert html.count("No excerpt available.") == 3
    for publication in ["Time Out", "St. Louis Post-Dispatch", "Chicago Tribune", "Boston Globe"]:
        assert publication in html
    for day in ["November 17, 2011", "November 16, 2011", "October 18, 2008", "June 19, 2008"]:
        assert day in html
    assert "One credits their naivete as the best tool to change history" in html
    assert "There are fascinating archival clips" in html
    assert "a fat, satisfying work of nonfiction literature" in html
    assert "Full Review" not in html  # the seed gives no review's link
    assert "Audience Reviews for Refusenik" in html
    assert "Fern Sidman" in html
    assert "landmark documentary on the history of the struggle" in html
    assert "Discuss Refusenik on our Movie forum!" in html
    assert "News &amp; Features" in html
    assert "0%" not in html


def test_unknown_slug_is_404(client):
    assert client.get("/films/no-such-film-1999/").status_code == 404


@pytest.mark.parametrize(
    "suffix",
    [
        "?page=abc",
        "?page=-1",
        "?page=99999",
        "?critics=bogus",
        "?critics=top&page=0",
        "reviews/?tab=bogus",
        "reviews/?sentiment=bogus&page=abc",
        "reviews/?tab=top&sentiment=fresh&page=99999",
        "reviews/?page=-1",
        "audience-reviews/?stars=abc",
        "audience-reviews/?stars=9&page=-5",
        "audience-reviews/?stars=nan&spoilers=bogus",
        "audience-reviews/?stars=3.5&page=99999",
        "cast/?page=abc",
        "photos/?page=abc",
        "discussion/?page=abc",
    ],
)
def test_no_query_parameter_causes_a_server_error(client, full_film, suffix):
    response = client.get(full_film.get_absolute_url() + suffix)
    assert response.status_code == 200


def test_top_critics_tab_lists_only_top_critic_reviews(client, full_film):
    html = client.get(full_film.get_absolute_url() + "?critics=top").content.decode()
    assert "Excerpt number 0." in html
    assert "Excerpt number 1." not in html


def test_json_ld_and_open_graph(client, full_film):
    html = client.get(full_film.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "Movie"
    assert data["name"] == "The Long Night"
    assert data["aggregateRating"]["ratingValue"] == 83
    assert data["aggregateRating"]["reviewCount"] == 6
    assert data["review"][0]["author"]["name"]
    assert 'property="og:type" content="video.movie"' in html
    for tag in ["og:title", "og:image", "og:url"]:
        assert f'property="{tag}"' in html


def test_json_ld_cannot_break_out_of_its_script_element(client):
    film = FilmFactory(title="</script><script>alert(1)</script>")
    html = client.get(film.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html


def test_user_text_is_escaped(client):
    film = FilmFactory(synopsis="<b>bold</b>", consensus="<img src=x onerror=alert(1)>")
    AudienceReviewFactory(film=film, body="<script>alert(2)</script> ||secret||")
    html = client.get(film.get_absolute_url()).content.decode()
    assert "<b>bold</b>" not in html
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "&lt;script&gt;" in html


def test_spoilers_are_hidden_until_clicked(client):
    film = FilmFactory()
    AudienceReviewFactory(film=film, body="The twist: he was a ghost.", has_spoilers=True)
    AudienceReviewFactory(film=film, body="Great, but ||the dog dies|| sadly.")
    html = client.get(film.get_absolute_url()).content.decode()
    assert '<details class="spoiler-review">' in html
    assert re.search(r'<span class="spoiler-text">the dog dies</span>', html)
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert "dog dies" not in description


def test_a_pre_release_film_says_when_reviews_open(client):
    film = FilmFactory(release_date=date.today() + timedelta(days=30))
    html = client.get(film.get_absolute_url()).content.decode()
    assert "Reviews open on" in html


def test_a_visitor_is_asked_to_log_in_to_review(client, full_film):
    html = client.get(full_film.get_absolute_url()).content.decode()
    assert "Log in to rate and review" in html


def test_a_member_sees_their_own_review(client, full_film):
    member = MemberFactory(display_name="Rita Reviewer")
    AudienceReviewFactory(film=full_film, user=member, body="My own words.")
    client.force_login(member)
    html = client.get(full_film.get_absolute_url()).content.decode()
    assert "Your review" in html
    assert "My own words." in html
    assert "Log in to rate and review" not in html


def add_rows(film, n: int) -> None:
    people = [PersonFactory() for _ in range(3)]
    Credit.objects.bulk_create(
        Credit(film=film, person=people[i % 3], role="cast", character=f"Role {i}", order=i)
        for i in range(n)
    )
    Photo.objects.bulk_create(
        Photo(film=film, image=f"photos/p{i}.jpg", alt_text=f"Still {i}") for i in range(n)
    )
    critic, publication = CriticFactory(), PublicationFactory()
    CriticReview.objects.bulk_create(
        CriticReview(film=film, critic=critic, publication=publication, sentiment="fresh")
        for _ in range(n)
    )
    members = [MemberFactory() for _ in range(n)]
    AudienceReview.objects.bulk_create(
        AudienceReview(film=film, user=m, rating=Decimal("3.5"), body="Fine.") for m in members
    )
    for i in range(min(n, 10)):
        ThreadFactory(film=film, title=f"Thread {i}")
        ArticleFactory(title=f"Article {i}").films.add(film)
    refresh_film_scores(film=film)


@pytest.mark.parametrize("as_member", [False, True])
def test_film_page_queries_do_not_grow_with_rows(client, page_queries, as_member):
    small, large = FilmFactory(), FilmFactory()
    add_rows(small, 1)
    add_rows(large, 300)
    if as_member:
        client.force_login(MemberFactory())
    few = page_queries(small.get_absolute_url())
    many = page_queries(large.get_absolute_url())
    assert few == many
    # The film, genres, credits, photos, critic and audience reviews, threads, articles and the
    # score history; a member's page adds the session, the user and their own review.
    assert many == (12 if as_member else 9)


def test_healthz_answers_200(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200


def test_the_cast_shows_the_first_eighteen_in_billing_order_with_every_director(client):
    film = FilmFactory()
    for i in range(25):
        CreditFactory(
            film=film, person=PersonFactory(name=f"Actor {i:02d}"), role="cast", order=25 - i
        )
    for i in range(3):
        CreditFactory(film=film, person=PersonFactory(name=f"Director {i}"), role="director")
    html = client.get(film.get_absolute_url()).content.decode()
    cast = html.split('id="cast-heading"')[1]
    shown = [f"Actor {i:02d}" for i in range(24, 6, -1)]
    assert [name for name in re.findall(r"Actor \d\d", cast) if name in shown] == shown
    assert "Actor 06" not in cast
    for i in range(3):
        assert f"Director {i}" in html

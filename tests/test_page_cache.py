"""Visitors' film, home and browse pages come from the cache, and every change shows at once."""

import os
import socket
from decimal import Decimal

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from films.models import Film
from forums import services as forum_services
from forums.models import Board
from reviews import services as review_services
from reviews.models import AudienceReview
from reviewsite.pagecache import (
    GENERATION_KEY,
    cache_for_visitors,
    changes_content,
    generation,
)
from tests.admin_helpers import change_form_data
from tests.factories import (
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    MemberFactory,
    PublicationFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture(
    autouse=True,
    params=[
        "local memory",
        pytest.param(
            "redis",
            marks=pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379"),
        ),
    ],
)
def _cache_backend(request, settings, worker_id):
    """Every test twice: on the local-memory cache, and on Redis as in production (.ci/run
    starts one), with keys of this test process's own."""
    if request.param != "redis":
        yield
        return
    redis = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "KEY_PREFIX": f"marquee-page-cache-tests-{worker_id}-{os.getpid()}",
    }
    settings.CACHES = {
        **settings.CACHES,
        "default": redis,
        "fragments": {
            **redis,
            "KEY_PREFIX": f"{redis['KEY_PREFIX']}-fragment",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        },
    }
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


@pytest.fixture
def film():
    return FilmFactory(
        title="Harbor Lights",
        year=2001,
        release_date="2001-05-01",
        genres=[GenreFactory(name="Drama", slug="drama")],
    )


def pages(film: Film) -> list[str]:
    return ["/", "/films/?genre=drama&sort=critics", film.get_absolute_url()]


def visit(client, url: str):
    """A visitor's GET: (the response, how many queries it made)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def test_a_visitors_second_visit_is_served_from_the_cache_without_a_query(client, film):
    for url in pages(film):
        first, rendering = visit(client, url)
        again, queries = visit(client, url)
        assert rendering > 0
        assert queries == 0, url
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]


def test_visitor_pages_may_be_kept_downstream_only_if_revalidated(client, film):
    for url in pages(film):
        for response in (visit(client, url)[0], visit(client, url)[0]):
            controls = {part.strip() for part in response["Cache-Control"].split(",")}
            assert controls == {"public", "no-cache"}
            assert "Cookie" in response["Vary"]
            assert response["ETag"].startswith('"')
        unchanged = client.get(url, headers={"if-none-match": response["ETag"]})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_a_head_request_is_answered_from_the_same_page(client, film):
    visit(client, film.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        assert client.head(film.get_absolute_url()).status_code == 200
    assert len(queries) == 0


def test_pages_differ_by_the_parameters_they_take(client, film):
    CriticReviewFactory(film=film, critic=CriticFactory(is_top_critic=False), excerpt="Plain.")
    url = film.get_absolute_url()
    everyone = visit(client, url)[0].content
    top_only = visit(client, f"{url}?critics=top")[0].content
    assert b"Plain." in everyone
    assert b"Plain." not in top_only
    assert visit(client, f"{url}?critics=top")[1] == 0


@pytest.mark.parametrize(
    "query", ["?email=alice@example.com", "?critics=x1", "?critics=top&utm_source=mail"]
)
def test_a_query_the_page_does_not_take_is_never_kept_nor_shown_to_others(client, film, query):
    url = film.get_absolute_url()
    for _ in range(2):
        _, queries = visit(client, url + query)
        assert queries > 0  # rendered every time, never kept
    assert b"alice" not in visit(client, url)[0].content
    visit(client, f"/{query}")
    assert b"alice" not in visit(client, "/")[0].content


def test_http_and_https_pages_are_kept_apart(client, film):
    url = film.get_absolute_url()
    assert b"http://testserver" in visit(client, url)[0].content
    with CaptureQueriesContext(connection) as queries:
        secure = client.get(url, secure=True)
    assert len(queries) > 0
    assert b"http://testserver" not in secure.content


@pytest.mark.parametrize("sent", ['W/"{}"', '"{}"', "*", '"other", W/"{}"'])
def test_revalidation_compares_etags_weakly(client, film, sent):
    url = film.get_absolute_url()
    etag = visit(client, url)[0]["ETag"]
    response = client.get(url, headers={"if-none-match": sent.format(etag.strip('"'))})
    assert response.status_code == 304


def test_browse_keeps_each_canonical_list_apart_and_never_keeps_a_redirect(client, film):
    FilmFactory(title="Zebra Road", year=1950, genres=[GenreFactory(name="Western")])
    drama = visit(client, "/films/?genre=drama")[0].content
    assert b"Harbor Lights" in drama
    assert b"Zebra Road" not in drama
    assert b"Zebra Road" in visit(client, "/films/")[0].content
    for _ in range(2):
        response = client.get("/films/?sort=&genre=drama")
        assert response.status_code == 302
        assert response["Location"] == "/films/?genre=drama"


def test_the_cache_tells_hosts_apart(client, film, settings):
    settings.ALLOWED_HOSTS = ["marquee.example", "testserver"]
    visit(client, film.get_absolute_url())
    other = client.get(film.get_absolute_url(), headers={"host": "marquee.example"})
    assert b"https://marquee.example" in other.content or b"http://marquee.example" in other.content


# Every kind of change shows at once ------------------------------------------------------------


def assert_shows_at_once(client, urls: list[str], change, expected: bytes) -> None:
    for url in urls:
        assert expected not in visit(client, url)[0].content, url
        visit(client, url)  # now kept
    change()
    for url in urls:
        assert expected in visit(client, url)[0].content, url


def test_a_members_new_review_posted_on_the_page_shows_to_visitors_at_once(client, film):
    member = MemberFactory(username="rhea", display_name="Rhea Wilde")
    body = "A quietly devastating harbour drama with a knockout final act."

    def post_review():
        writer = type(client)()
        writer.force_login(member)
        response = writer.post(
            f"/films/{film.slug}/review/", {"rating": "4.5", "body": body}, follow=False
        )
        assert response.status_code == 302

    assert_shows_at_once(client, ["/", film.get_absolute_url()], post_review, b"Rhea Wilde")


def test_a_new_critic_review_and_its_score_show_at_once(client, film):
    critics = [CriticFactory() for _ in range(5)]

    def review():
        for critic in critics:
            review_services.save_critic_review(
                review=CriticReviewFactory.build(
                    film=film,
                    critic=critic,
                    publication=PublicationFactory(),
                    sentiment="fresh",
                    excerpt="Luminous and wise.",
                )
            )

    assert_shows_at_once(client, pages(film), review, b"100%")


def test_a_title_edited_in_the_admin_shows_at_once(client, film, editor):
    editor_client = type(client)()
    editor_client.force_login(editor)
    url = f"/admin/films/film/{film.pk}/change/"

    def edit():
        data = change_form_data(editor_client.get(url))
        data["title"] = "Harbour Lights Revisited"
        assert editor_client.post(url, data).status_code == 302

    assert_shows_at_once(client, pages(film), edit, b"Harbour Lights Revisited")


def test_a_bulk_update_that_sends_no_signal_still_shows_at_once(client, film):
    def consensus():
        Film.objects.filter(pk=film.pk).update(consensus="Bold, moving and beautifully shot.")

    assert_shows_at_once(
        client, [film.get_absolute_url()], consensus, b"Bold, moving and beautifully shot."
    )


def test_a_forum_reply_moves_the_thread_up_on_the_visitors_pages(client, film):
    thread = forum_services.start_thread(
        board=Board.objects.get(slug="movie-forum"),
        film=film,
        author=MemberFactory(),
        title="That ending",
        body="Did it land for you?",
    )
    replier = MemberFactory(username="quill")

    def reply():
        forum_services.reply(thread=thread, author=replier, body="Agreed, the ending lands.")

    assert_shows_at_once(client, [film.get_absolute_url()], reply, b"1 reply")


def test_a_hidden_review_disappears_at_once(client, film, moderator):
    review = AudienceReviewFactory(film=film, body="Spam spam spam, buy now.", rating=Decimal(5))
    url = film.get_absolute_url()
    assert b"Spam spam spam" in visit(client, url)[0].content
    review_services.set_audience_reviews_hidden(
        reviews=AudienceReview.objects.filter(pk=review.pk), hidden=True, moderator=moderator
    )
    assert b"Spam spam spam" not in visit(client, url)[0].content


def test_a_members_new_display_name_shows_at_once(client, film):
    review = AudienceReviewFactory(film=film, body="Fine film.")
    url = film.get_absolute_url()
    visit(client, url)
    review.user.display_name = "Newly Named"
    review.user.save(update_fields=["display_name"])
    assert b"Newly Named" in visit(client, url)[0].content


def test_a_write_inside_a_transaction_moves_the_generation_now_and_again_at_the_commit(
    film, django_capture_on_commit_callbacks
):
    before = generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Film.objects.filter(pk=film.pk).update(consensus="Changed.")
        during = generation()
    assert before < during < generation()


def test_what_visitors_never_see_leaves_the_kept_pages_alone(client, film):
    review = AudienceReviewFactory(film=film, body="Worth it.")
    voter = MemberFactory()
    thread = ThreadFactory(film=film)
    before = generation()
    forum_services.follow_thread(thread=thread, user=voter)
    review_services.report_audience_review(review=review, reporter=voter, reason="spam", details="")
    assert generation() == before


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('INSERT INTO "reviews_audiencereview" ("film_id") VALUES (%s)', True),
        ('UPDATE "films_film" SET "title" = %s', True),
        ('DELETE FROM "forums_post" WHERE "id" IN (%s)', True),
        ("  update accounts_user set display_name = 'x'", True),
        ('INSERT INTO "news_article_films" ("article_id", "film_id") VALUES (1, 2)', True),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "accounts_user" SET "last_login" = %s, "display_name" = %s WHERE', True),
        ('WITH moved AS (SELECT 1) UPDATE "films_film" SET "title" = %s', True),
        ('/* admin */ DELETE FROM "reviews_criticreview" WHERE "id" = %s', True),
        ('TRUNCATE "forums_post", "forums_thread" RESTART IDENTITY', True),
        ('SELECT "films_film"."id" FROM "films_film" FOR UPDATE', False),
        (
            'INSERT INTO "forums_threadvisit" ("user_id") VALUES (%s) ON CONFLICT DO UPDATE SET '
            '"last_read_at" = EXCLUDED."last_read_at"',
            False,
        ),
        ('SELECT "films_film"."id" FROM "films_film"', False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('UPDATE "axes_accessattempt" SET "failures_since_start" = 1', False),
        ('INSERT INTO "forums_threadvisit" ("user_id") VALUES (%s)', False),
        ('INSERT INTO "reviews_helpfulvote" ("user_id") VALUES (%s)', False),
        ('INSERT INTO "django_admin_log" ("action_flag") VALUES (1)', False),
    ],
)
def test_which_statements_change_what_visitors_see(sql, changes):
    assert changes_content(sql) is changes


def test_a_cache_that_lost_the_generation_starts_a_new_one(client, film):
    url = film.get_absolute_url()
    visit(client, url)
    cache.delete(GENERATION_KEY)
    Film.objects.filter(pk=film.pk).update(title="After The Restart")
    assert b"After The Restart" in visit(client, url)[0].content
    assert visit(client, url)[1] == 0


def test_a_log_in_leaves_the_kept_pages_alone(client, film):
    MemberFactory(username="lena", password="a-long-password-1")
    before = generation()
    response = client.post(
        "/accounts/login/", {"username": "lena", "password": "a-long-password-1"}
    )
    assert response.status_code == 302
    assert generation() == before


def test_a_cache_that_cannot_be_reached_fails_no_page_and_no_write(client, film, monkeypatch):
    url = film.get_absolute_url()
    kept = visit(client, url)[0].content

    def down(*args, **kwargs):
        raise ConnectionError("the cache is down")

    with monkeypatch.context() as outage:
        for method in ("get", "get_many", "set", "add", "incr"):
            outage.setattr(cache, method, down)
        Film.objects.filter(pk=film.pk).update(title="Written During The Outage")
        during, queries = visit(client, url)
        assert queries > 0
        assert b"Written During The Outage" in during.content
    after = visit(client, url)[0].content
    assert after != kept
    assert b"Written During The Outage" in after


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_at_once_outside_a_test_transaction(client):
    film = FilmFactory(title="Before The Commit", release_date="2001-05-01")
    url = film.get_absolute_url()
    visit(client, url)
    assert visit(client, url)[1] == 0
    with transaction.atomic():
        Film.objects.filter(pk=film.pk).update(title="After The Commit")
    assert b"After The Commit" in visit(client, url)[0].content
    Film.objects.filter(pk=film.pk).update(title="In Autocommit")
    assert b"In Autocommit" in visit(client, url)[0].content


# Members and visitors with something of their own ----------------------------------------------


def test_members_are_never_served_a_kept_page_nor_another_members(client, film):
    url = film.get_absolute_url()
    visit(client, url)
    visit(client, url)
    for name in ("ariadne", "bertrand"):
        member_client = type(client)()
        member_client.force_login(MemberFactory(username=name))
        first, queries = visit(member_client, url)
        again, _ = visit(member_client, url)
        assert queries > 0
        for response in (first, again):
            assert name.encode() in response.content
            assert b"ariadne" not in response.content or name == "ariadne"
            assert "private" in response["Cache-Control"]
            assert "public" not in response["Cache-Control"]
    # and the visitors' page is still the visitors'
    anonymous = visit(client, url)[0]
    assert b"ariadne" not in anonymous.content
    assert b"bertrand" not in anonymous.content


def test_a_member_page_of_any_kind_is_private(client, member):
    client.force_login(member)
    for url in ("/forums/", "/news/", member.get_absolute_url(), "/search/?q=a"):
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"], url


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, film):
    url = film.get_absolute_url()
    visit(client, url)
    client.cookies[CookieStorage.cookie_name] = "anything"
    _, queries = visit(client, url)
    assert queries > 0


def test_a_page_holding_a_csrf_token_is_never_kept(rf: RequestFactory, settings):
    calls = []
    template = engines["django"].from_string("<form>{% csrf_token %}</form>")

    @cache_for_visitors()
    def form_page(request):
        calls.append(request)
        get_token(request)
        return HttpResponse(template.render({}, request))

    for _ in range(2):
        assert form_page(rf.get("/form/")).status_code == 200
    assert len(calls) == 2


def test_with_the_cache_off_every_visit_renders_but_the_headers_stay(client, film, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = film.get_absolute_url()
    visit(client, url)
    response, queries = visit(client, url)
    assert queries > 0
    assert "public" in response["Cache-Control"]
    assert response["ETag"]

"""The admin as each group uses it: editors run the catalogue, critics, critic reviews and news;
moderators work the reports and hide members' text; nobody else gets in. Every change list
makes as many queries for 100 rows as for one, and every save lands in the object's history."""

from collections.abc import Callable
from itertools import count

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from films.models import FilmRedirect, Photo
from forums.models import PostReport
from reviews.models import ReviewReport
from tests.admin_helpers import change_form_data, history
from tests.factories import (
    ArticleFactory,
    AudienceReviewFactory,
    BoardFactory,
    CreditFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    MemberFactory,
    PostFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


numbers = count()


def photos(n: int) -> list[Photo]:
    # Named, not uploaded: a change list only needs the files' URLs.
    film = FilmFactory()
    return Photo.objects.bulk_create(
        Photo(film=film, image=f"photos/still-{i}.png", alt_text=f"Still {i}") for i in range(n)
    )


def redirects(n: int) -> list[FilmRedirect]:
    return [
        FilmRedirect.objects.create(old_slug=f"old-{next(numbers)}", film=FilmFactory())
        for _ in range(n)
    ]


def critics(n: int):
    publication = PublicationFactory()
    return CriticFactory.create_batch(n, publications=[publication, PublicationFactory()])


def review_reports(n: int):
    return [
        ReviewReport.objects.create(
            review=AudienceReviewFactory(), reporter=MemberFactory(), reason="spam"
        )
        for _ in range(n)
    ]


def post_reports(n: int):
    return [
        PostReport.objects.create(post=PostFactory(), reporter=MemberFactory(), reason="spam")
        for _ in range(n)
    ]


def groups(n: int):
    return [Group.objects.create(name=f"Group {next(numbers)}") for _ in range(n)]


# How to make n rows of each model the admin lists.
ROWS: dict[str, Callable[[int], list[Model]]] = {
    "films.genre": GenreFactory.create_batch,
    "films.film": lambda n: FilmFactory.create_batch(n, genres=[GenreFactory()]),
    "films.filmredirect": redirects,
    "films.person": lambda n: [CreditFactory().person for _ in range(n)],
    "films.credit": CreditFactory.create_batch,
    "films.photo": photos,
    "reviews.publication": PublicationFactory.create_batch,
    "reviews.critic": critics,
    "reviews.criticreview": CriticReviewFactory.create_batch,
    "reviews.audiencereview": AudienceReviewFactory.create_batch,
    "reviews.reviewreport": review_reports,
    "forums.board": BoardFactory.create_batch,
    "forums.thread": lambda n: [PostFactory().thread for _ in range(n)],
    "forums.post": PostFactory.create_batch,
    "forums.postreport": post_reports,
    "news.article": lambda n: ArticleFactory.create_batch(n, films=[FilmFactory()]),
    "accounts.user": MemberFactory.create_batch,
    "auth.group": groups,
}


def admin_url(label: str, view: str, *args) -> str:
    return reverse(f"admin:{label.replace('.', '_')}_{view}", args=args)


def test_every_model_in_the_admin_has_rows_to_test_with():
    """A model added to the admin gets a row maker here, so the tests below cover it."""
    labels = {m._meta.label_lower for m in admin.site._registry} - {
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
    }
    assert labels == set(ROWS)


@pytest.mark.parametrize("label", sorted(ROWS))
def test_a_change_list_makes_as_many_queries_for_100_rows_as_for_one(client, admin_user, label):
    client.force_login(admin_user)
    url = admin_url(label, "changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    ROWS[label](1)
    one = queries()
    ROWS[label](99)
    assert queries() == one


# What each group may do with each model in the admin.
EDITOR_CHANGES = [
    "films.genre",
    "films.film",
    "films.filmredirect",
    "films.person",
    "films.credit",
    "films.photo",
    "reviews.publication",
    "reviews.critic",
    "reviews.criticreview",
    "forums.board",
    "news.article",
]
EDITOR_VIEWS = ["reviews.audiencereview", "forums.thread", "forums.post"]
MODERATOR_CHANGES = [
    "reviews.audiencereview",
    "reviews.reviewreport",
    "forums.thread",
    "forums.post",
    "forums.postreport",
]
MODERATOR_VIEWS = ["films.film"]


@pytest.fixture
def staff(request, editor, moderator):
    return {"editor": editor, "moderator": moderator}


def group_cases(changes: list[str], views: list[str]) -> list[tuple[str, str]]:
    return (
        [(label, "change") for label in changes]
        + [(label, "view") for label in views]
        + [(label, "none") for label in sorted(set(ROWS) - set(changes) - set(views))]
    )


@pytest.mark.parametrize(
    ("who", "label", "may"),
    [("editor", *case) for case in group_cases(EDITOR_CHANGES, EDITOR_VIEWS)]
    + [("moderator", *case) for case in group_cases(MODERATOR_CHANGES, MODERATOR_VIEWS)],
)
def test_each_group_can_do_exactly_its_job(client, staff, who, label, may):
    user = staff[who]
    obj = ROWS[label](1)[0]
    client.force_login(user)

    changelist = client.get(admin_url(label, "changelist"))
    change = client.get(admin_url(label, "change", obj.pk))

    if may == "none":
        assert changelist.status_code == 403
        assert change.status_code == 403
        return
    assert changelist.status_code == 200
    assert change.status_code == 200
    saved = client.post(admin_url(label, "change", obj.pk), change_form_data(change))
    if may == "view":
        assert saved.status_code == 403
        return
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    assert client.get(admin_url(label, "history", obj.pk)).status_code == 200
    assert LogEntry.objects.get().user == user
    assert history(obj)


@pytest.mark.parametrize("label", EDITOR_CHANGES)
def test_an_editor_can_open_the_add_form_of_what_they_manage(client, editor, label):
    client.force_login(editor)

    assert client.get(admin_url(label, "add")).status_code == 200


@pytest.mark.parametrize("label", ["films.film", "reviews.criticreview", "news.article"])
def test_a_moderator_cannot_add_to_the_catalogue(client, moderator, label):
    client.force_login(moderator)

    assert client.get(admin_url(label, "add")).status_code == 403


def test_a_moderator_cannot_save_a_film(client, moderator):
    film = FilmFactory(title="Untouched")
    client.force_login(moderator)

    response = client.post(admin_url("films.film", "change", film.pk), {"title": "Changed"})

    assert response.status_code == 403
    film.refresh_from_db()
    assert film.title == "Untouched"


@pytest.mark.parametrize("url", ["/admin/", "/admin/films/film/", "/admin/accounts/user/"])
def test_a_member_who_is_not_staff_cannot_enter_the_admin(client, member, url):
    client.force_login(member)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_a_visitor_is_sent_to_the_admin_log_in(client):
    response = client.get("/admin/films/film/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_the_admin_index_shows_each_group_its_own_sections(client, editor, moderator):
    client.force_login(editor)
    editor_index = client.get("/admin/").content.decode()
    client.force_login(moderator)
    moderator_index = client.get("/admin/").content.decode()

    assert "Critic reviews" in editor_index and "Review reports" not in editor_index
    assert "Users" not in editor_index and "Groups" not in editor_index
    assert "Review reports" in moderator_index and "Post reports" in moderator_index
    assert "Critic reviews" not in moderator_index and "Users" not in moderator_index

"""The groups of PRODUCT.md "Who uses it" and the Movie forum exist in a fresh database."""

import pytest
from django.contrib.auth.models import Group

from forums.models import MOVIE_FORUM_SLUG, Board

pytestmark = pytest.mark.django_db


def test_the_data_migration_created_the_editors_and_moderators_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Moderators"}


@pytest.mark.parametrize(
    "permission",
    [
        "films.add_film",
        "films.change_film",
        "films.change_person",
        "films.change_credit",
        "films.change_photo",
        "reviews.add_criticreview",
        "reviews.change_criticreview",
        "reviews.delete_criticreview",
        "reviews.change_critic",
        "reviews.change_publication",
        "news.change_article",
        "reviews.view_audiencereview",
    ],
)
def test_an_editor_manages_the_catalog_and_critic_reviews(editor, permission):
    assert editor.has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "accounts.change_user",
        "accounts.add_user",
        "auth.change_group",
        "reviews.change_audiencereview",
        "reviews.view_reviewreport",
        "forums.change_post",
    ],
)
def test_an_editor_cannot_manage_members_or_moderate(editor, permission):
    assert not editor.has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "reviews.change_audiencereview",
        "reviews.view_audiencereview",
        "forums.change_post",
        "forums.change_thread",
        "reviews.view_reviewreport",
        "reviews.change_reviewreport",
    ],
)
def test_a_moderator_can_moderate_reviews_and_posts(moderator, permission):
    assert moderator.has_perm(permission)


@pytest.mark.parametrize(
    "permission",
    [
        "films.change_film",
        "reviews.change_criticreview",
        "reviews.delete_audiencereview",
        "accounts.change_user",
    ],
)
def test_a_moderator_cannot_edit_the_catalog_or_members(moderator, permission):
    assert not moderator.has_perm(permission)


def test_a_plain_member_has_no_permissions(member):
    assert member.get_all_permissions() == set()


def test_the_movie_forum_exists_from_the_start():
    board = Board.objects.get(slug=MOVIE_FORUM_SLUG)

    assert board.name == "Movie forum"
    assert board.slug == "movie-forum"

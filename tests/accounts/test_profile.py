"""A member's public profile: who they are, their reviews and their forum posts."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from reviews.models import AudienceReview, HelpfulVote
from reviews.tallies import rebuild_counts
from tests.accounts.helpers import image_upload
from tests.factories import (
    AudienceReviewFactory,
    BoardFactory,
    FilmFactory,
    MemberFactory,
    PostFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db


def test_profile_shows_the_members_reviews(client):
    member = MemberFactory(username="rory", display_name="Rory R.")
    AudienceReviewFactory(user=member, film=FilmFactory(title="Wild Coast"), body="Loved it.")
    html = client.get("/users/rory/").content.decode()
    assert "Rory R." in html
    assert "Wild Coast" in html
    assert "Loved it." in html
    assert client.get("/users/nobody-here/").status_code == 404


def test_profile_shows_name_username_joined_date_and_bio(client):
    MemberFactory(
        username="rory",
        display_name="Rory R.",
        bio="Westerns & <noir>.\n\nNothing else.",
        date_joined=datetime.datetime(2024, 3, 5, tzinfo=datetime.UTC),
    )
    html = client.get("/users/rory/").content.decode()
    assert "<h1>Rory R.</h1>" in html
    assert "@rory" in html
    assert "March 2024" in html
    assert "<p>Westerns &amp; &lt;noir&gt;.</p>" in html
    assert html.count("<h1") == 1


def test_without_a_picture_the_profile_shows_the_initial(client):
    MemberFactory(username="rory", display_name="rory r.")
    html = client.get("/users/rory/").content.decode()
    assert '<span class="avatar avatar-lg" aria-hidden="true">R</span>' in html


def test_with_a_picture_the_profile_shows_it_beside_the_name(client):
    member = MemberFactory(username="rory", display_name="Rory R.")
    member.avatar.save("x.png", image_upload())
    html = client.get("/users/rory/").content.decode()
    assert f'src="/media/{member.avatar.name}"' in html
    assert 'alt=""' in html  # decorative: the name is written beside it


def test_the_avatar_include_comes_in_sizes_with_the_initial_as_fallback():
    member = MemberFactory(username="rory")
    small = render_to_string("accounts/_avatar.html", {"member": member, "size": "sm"})
    assert 'class="avatar avatar-sm"' in small
    assert ">R</span>" in small
    member.avatar.save("x.png", image_upload())
    plain = render_to_string("accounts/_avatar.html", {"member": member})
    assert '<img class="avatar object-fit-cover"' in plain
    assert 'width="40" height="40"' in plain


def test_only_the_member_sees_edit_links_on_their_own_profile(client, member):
    MemberFactory(username="rory")
    assert "/accounts/profile/" not in client.get("/users/mina/").content.decode()
    client.force_login(member)
    own = client.get("/users/mina/").content.decode()
    assert 'href="/accounts/profile/">Edit profile</a>' in own
    assert 'href="/accounts/password/change/">Change password</a>' in own
    other = client.get("/users/rory/").content.decode()
    assert "Edit profile" not in other
    assert "Change password" not in other


@pytest.mark.parametrize("path", ["", "posts/"])
def test_inactive_members_have_no_profile(client, path):
    MemberFactory(username="gone", is_active=False)
    assert client.get(f"/users/gone/{path}").status_code == 404


def test_tabs_count_reviews_and_posts_and_mark_the_current_one(client):
    member = MemberFactory(username="rory")
    AudienceReviewFactory(user=member)
    AudienceReviewFactory(user=member, is_hidden=True)
    PostFactory.create_batch(3, author=member)
    PostFactory(author=member, is_hidden=True)
    rebuild_counts()  # as the review services keep them
    reviews = client.get("/users/rory/").content.decode()
    assert 'href="/users/rory/" aria-current="page">Reviews (1)</a>' in reviews
    assert 'href="/users/rory/posts/">Posts (3)</a>' in reviews
    posts = client.get("/users/rory/posts/").content.decode()
    assert 'href="/users/rory/">Reviews (1)</a>' in posts
    assert 'href="/users/rory/posts/" aria-current="page">Posts (3)</a>' in posts


def test_posts_page_lists_visible_posts_newest_first_with_their_thread(client):
    member = MemberFactory(username="rory")
    now = timezone.now()
    old_thread = ThreadFactory(title="Best westerns")
    new_thread = ThreadFactory(title="Noir season")
    older = PostFactory(
        author=member, thread=old_thread, body="Older post.", created_at=now - datetime.timedelta(2)
    )
    newer = PostFactory(author=member, thread=new_thread, body="Newer post.", created_at=now)
    PostFactory(author=member, thread=new_thread, body="Hidden post.", is_hidden=True)
    PostFactory(thread=new_thread, body="Someone else's post.")
    html = client.get("/users/rory/posts/").content.decode()
    assert html.index("Newer post.") < html.index("Older post.")
    # Each links to the post itself, on whichever page of its thread it is.
    assert f'href="/forums/posts/{newer.pk}/">Noir season</a>' in html
    assert f'href="/forums/posts/{older.pk}/">Best westerns</a>' in html
    assert "Hidden post." not in html
    assert "Someone else" not in html
    assert now.strftime("%B") in html


def test_post_excerpts_are_escaped_and_cut_short(client):
    member = MemberFactory(username="rory")
    PostFactory(author=member, body="<script>alert(1)</script> " + "word " * 200 + "THE END")
    html = client.get("/users/rory/posts/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "THE END" not in html
    assert "…" in html


def test_a_member_without_posts_is_told_so(client):
    MemberFactory(username="rory")
    assert "No forum posts yet." in client.get("/users/rory/posts/").content.decode()


def test_posts_are_paginated_by_twenty_and_bad_pages_do_not_fail(client):
    member = MemberFactory(username="rory")
    thread = ThreadFactory()
    start = timezone.now()
    for n in range(21):
        PostFactory(
            author=member,
            thread=thread,
            body=f"Post #{n:02d}.",
            created_at=start + datetime.timedelta(minutes=n),
        )
    first = client.get("/users/rory/posts/").content.decode()
    assert "Post #20." in first
    assert "Post #00." not in first
    assert 'aria-label="Post pages"' in first
    second = client.get("/users/rory/posts/?page=2").content.decode()
    assert "Post #00." in second
    assert "Post #20." not in second
    for bad in ["abc", "0", "-1", "999", "1.5"]:
        assert client.get(f"/users/rory/posts/?page={bad}").status_code == 200


def member_with_posts(n: int) -> str:
    member = MemberFactory()
    board = BoardFactory()
    threads = ThreadFactory.create_batch(min(n, 25), board=board, author=member)
    for i in range(n):
        PostFactory(author=member, thread=threads[i % len(threads)])
    AudienceReviewFactory(user=member)
    return f"/users/{member.username}/posts/"


def test_posts_page_queries_do_not_grow_with_posts(page_queries):
    assert page_queries(member_with_posts(1)) == page_queries(member_with_posts(150))


def test_posts_page_queries_do_not_grow_with_posts_for_a_member_viewing(client, page_queries):
    client.force_login(MemberFactory())
    assert page_queries(member_with_posts(1)) == page_queries(member_with_posts(150))


def member_with_reviews(n: int, voter) -> str:
    """A member with `n` reviews of different films, each found helpful by `voter`."""
    member = MemberFactory()
    reviews = AudienceReview.objects.bulk_create(
        AudienceReview(film=FilmFactory(), user=member, rating=Decimal("4.0"), body="Good.")
        for _ in range(n)
    )
    HelpfulVote.objects.bulk_create(HelpfulVote(review=r, user=voter) for r in reviews)
    return member.get_absolute_url()


@pytest.mark.parametrize("as_member", [False, True])
def test_reviews_page_queries_do_not_grow_with_reviews(client, page_queries, as_member):
    viewer = MemberFactory()
    if as_member:
        client.force_login(viewer)
    few = page_queries(member_with_reviews(1, viewer))
    assert page_queries(member_with_reviews(200, viewer)) == few


@pytest.mark.parametrize(
    "path", ["/users/a%00b/", "/users/a%00b/posts/", "/users/a b/", "/users/<x>/"]
)
def test_odd_characters_in_a_profile_address_are_404(client, path):
    assert client.get(path).status_code == 404


def test_reviews_by_inactive_members_do_not_link_to_their_missing_profile(client):
    gone = MemberFactory(username="imported-1", is_active=False)
    review = AudienceReviewFactory(user=gone, body="An imported rating.")
    html = client.get(f"/films/{review.film.slug}/audience-reviews/").content.decode()
    assert "An imported rating." in html
    assert 'href="/users/imported-1/"' not in html

"""The review counts stored on critics, publications and members follow every way reviews
change (pages, the admin, imports), and no save of those rows undoes them."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from reviews.models import AudienceReview, Critic, CriticReview, Publication, Sentiment
from reviews.scores import refresh_scores
from reviews.services import save_critic_review, submit_audience_review
from reviews.tallies import rebuild_counts
from tests.admin_helpers import change_form_data, confirm_import, preview_import
from tests.factories import (
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def critic_counts(critic: Critic) -> tuple[int, int, int]:
    critic.refresh_from_db()
    return critic.review_count, critic.fresh_count, critic.rotten_count


def publication_count(publication: Publication) -> int:
    publication.refresh_from_db()
    return publication.review_count


def member_count(member: User) -> int:
    member.refresh_from_db()
    return member.review_count


def settle() -> None:
    """Store every score and count as the services would have (factories write neither)."""
    refresh_scores()
    rebuild_counts()


def drift() -> str:
    """What `recompute_scores --check` finds wrong ("" when nothing)."""
    try:
        call_command("recompute_scores", "--check", stdout=io.StringIO())
    except CommandError as error:
        return str(error)
    return ""


@pytest.fixture
def critics():
    """Two critics of two publications, with reviews counted as the services count them."""
    ann, bo = CriticFactory(name="Ann"), CriticFactory(name="Bo")
    reel, screen = PublicationFactory(name="Reel"), PublicationFactory(name="Screen")
    CriticReviewFactory(critic=ann, publication=reel, sentiment=Sentiment.FRESH)
    CriticReviewFactory(critic=bo, publication=screen, sentiment=Sentiment.ROTTEN)
    settle()
    return ann, bo, reel, screen


def test_reviews_added_moved_and_deleted_in_the_admin_move_the_counts(client, editor, critics):
    ann, bo, reel, screen = critics
    film = FilmFactory()
    client.force_login(editor)
    form = {
        "film": film.pk,
        "critic": ann.pk,
        "publication": reel.pk,
        "sentiment": Sentiment.ROTTEN,
        "review_date": "2024-03-01",
        "is_published": "on",
        "excerpt": "Thin.",
        "_save": "Save",
    }
    assert client.post(reverse("admin:reviews_criticreview_add"), form).status_code == 302
    review = CriticReview.objects.get(film=film)
    assert critic_counts(ann) == (2, 1, 1)
    assert publication_count(reel) == 2

    # Moved to another critic and publication: both old and new are counted again.
    changed = {**form, "critic": bo.pk, "publication": screen.pk}
    url = reverse("admin:reviews_criticreview_change", args=[review.pk])
    assert client.post(url, changed).status_code == 302
    assert critic_counts(ann) == (1, 1, 0)
    assert critic_counts(bo) == (2, 0, 2)
    assert (publication_count(reel), publication_count(screen)) == (1, 2)

    url = reverse("admin:reviews_criticreview_delete", args=[review.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert critic_counts(bo) == (1, 0, 1)
    assert publication_count(screen) == 1
    assert drift() == ""


def test_the_review_lists_bulk_actions_move_the_counts(client, editor, critics):
    ann, _, reel, _ = critics
    more = CriticReviewFactory.create_batch(2, critic=ann, publication=reel)
    settle()
    assert critic_counts(ann) == (3, 3, 0)
    client.force_login(editor)
    changelist = reverse("admin:reviews_criticreview_changelist")

    def act(action: str, reviews) -> None:
        selected = [review.pk for review in reviews]
        response = client.post(changelist, {"action": action, "_selected_action": selected})
        assert response.status_code == 302

    act("set_rotten", more)
    assert critic_counts(ann) == (3, 1, 2)
    act("set_unclassified", more[:1])
    assert critic_counts(ann) == (3, 1, 1)
    act("unpublish", more)
    assert critic_counts(ann) == (1, 1, 0)
    assert publication_count(reel) == 1
    act("publish", more)
    assert critic_counts(ann) == (3, 1, 1)
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [more[0].pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert critic_counts(ann) == (2, 1, 1)
    assert publication_count(reel) == 2
    assert drift() == ""


def test_a_films_inline_reviews_moved_or_deleted_move_the_counts(client, editor, critics):
    ann, bo, reel, screen = critics
    film = FilmFactory()
    kept, dropped = CriticReviewFactory.create_batch(2, film=film, critic=ann, publication=reel)
    settle()
    assert critic_counts(ann) == (3, 3, 0)
    client.force_login(editor)
    url = reverse("admin:films_film_change", args=[film.pk])
    response = client.get(url)
    data = change_form_data(response)
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is CriticReview
    )
    for form in formset.initial_forms:
        if form.instance == kept:
            data[form.add_prefix("critic")] = str(bo.pk)
            data[form.add_prefix("publication")] = str(screen.pk)
        else:
            data[form.add_prefix("DELETE")] = "on"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert not CriticReview.objects.filter(pk=dropped.pk).exists()
    assert critic_counts(ann) == (1, 1, 0)
    assert critic_counts(bo) == (2, 1, 1)
    assert (publication_count(reel), publication_count(screen)) == (1, 2)
    assert drift() == ""


def test_deleting_a_film_takes_its_reviews_out_of_everyones_counts(client, admin_user, critics):
    ann, _, reel, _ = critics
    film = FilmFactory()
    CriticReviewFactory(film=film, critic=ann, publication=reel)
    viewer = MemberFactory()
    AudienceReviewFactory(film=film, user=viewer)
    AudienceReviewFactory(user=viewer)
    settle()
    assert (critic_counts(ann)[0], publication_count(reel), member_count(viewer)) == (2, 2, 2)
    client.force_login(admin_user)

    response = client.post(reverse("admin:films_film_delete", args=[film.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert (critic_counts(ann)[0], publication_count(reel), member_count(viewer)) == (1, 1, 1)
    other = FilmFactory()
    AudienceReviewFactory(film=other, user=viewer)
    settle()
    response = client.post(
        reverse("admin:films_film_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert member_count(viewer) == 1
    assert drift() == ""


def test_a_csv_import_counts_new_reviews_and_those_it_moves(client, editor, critics):
    ann, bo, _, _ = critics
    FilmFactory(title="Refusenik", year=2008)
    header = "film,critic,publication,sentiment,review_date,original_score,excerpt,url\n"
    url = "https://example.com/r"
    client.force_login(editor)

    def run_import(text: str) -> None:
        preview = preview_import(client, "reviews_criticreview", header + text)
        assert confirm_import(client, "reviews_criticreview", preview).status_code == 302

    run_import(f"refusenik-2008,Ann,,fresh,2008-05-01,,Moving.,{url}\n")
    assert critic_counts(ann) == (2, 2, 0)
    # The same URL names the same review: the import moves it to Bo.
    run_import(f"refusenik-2008,Bo,,rotten,2008-05-01,,Moving.,{url}\n")
    assert critic_counts(ann) == (1, 1, 0)
    assert critic_counts(bo) == (2, 0, 2)
    assert drift() == ""


def test_a_members_count_follows_posting_deleting_hiding_and_restoring(client, member, moderator):
    film = FilmFactory(release_date=datetime.date(2020, 1, 1))
    client.force_login(member)
    profile = member.get_absolute_url()

    client.post(f"/films/{film.slug}/review/", {"rating": "4.0", "body": "Good."})
    assert member_count(member) == 1
    assert ">Reviews (1)</a>" in client.get(profile).content.decode()
    client.post(f"/films/{film.slug}/review/", {"rating": "3.0", "body": "Edited."})
    assert member_count(member) == 1
    client.post(f"/films/{film.slug}/review/delete/")
    assert member_count(member) == 0

    client.post(f"/films/{film.slug}/review/", {"rating": "4.0", "body": "Again."})
    review = AudienceReview.objects.get(user=member)
    client.force_login(moderator)
    changelist = reverse("admin:reviews_audiencereview_changelist")
    client.post(changelist, {"action": "hide_reviews", "_selected_action": [review.pk]})
    assert member_count(member) == 0
    client.post(changelist, {"action": "restore_reviews", "_selected_action": [review.pk]})
    assert member_count(member) == 1
    assert drift() == ""


def test_a_review_given_to_another_member_in_the_admin_moves_both_counts(client, admin_user):
    first, second = MemberFactory(), MemberFactory()
    review = AudienceReviewFactory(user=first)
    settle()
    client.force_login(admin_user)
    url = reverse("admin:reviews_audiencereview_change", args=[review.pk])
    data = change_form_data(client.get(url))
    data["user"] = str(second.pk)

    assert client.post(url, data).status_code == 302
    assert (member_count(first), member_count(second)) == (0, 1)
    assert drift() == ""


def test_a_critic_or_member_saved_from_an_older_read_keeps_the_newer_counts(critics):
    """An editor's save holds the row as it was read: a review counted in between stays."""
    ann, _, reel, _ = critics
    as_read = Critic.objects.get(pk=ann.pk)
    review = CriticReviewFactory.build(film=FilmFactory(), critic=ann, publication=reel)
    save_critic_review(review=review)
    as_read.bio = "Writes about noir."
    as_read.save()
    assert critic_counts(ann) == (2, 2, 0)
    assert ann.bio == "Writes about noir."

    member = MemberFactory()
    as_read = User.objects.get(pk=member.pk)
    film = FilmFactory(release_date=datetime.date(2020, 1, 1))
    submit_audience_review(film=film, user=member, rating=None, body="Fine.", has_spoilers=False)
    as_read.first_name = "Mina"
    as_read.save()
    assert member_count(member) == 1
    assert member.first_name == "Mina"
    assert drift() == ""


def test_recompute_scores_finds_drifted_counts_and_rebuilds_them(critics):
    ann = critics[0]
    member = AudienceReviewFactory().user  # a factory writes no count: drift
    Critic.objects.filter(pk=ann.pk).update(fresh_count=7)

    problems = drift()
    assert "1 critic(s) whose review counts differ" in problems
    assert "1 user(s) whose review counts differ" in problems
    assert "publication" not in problems

    out = io.StringIO()
    call_command("recompute_scores", stdout=out)
    assert "1 critic(s)' review counts" in out.getvalue()
    assert critic_counts(ann) == (1, 1, 0)
    assert member_count(member) == 1
    assert drift() == ""


# Lists paged by their stored counts --------------------------------------------------------


def test_a_critics_page_pages_by_the_stored_count(client, critics):
    ann = critics[0]
    CriticReviewFactory.create_batch(24, critic=ann)
    settle()
    first = client.get(ann.get_absolute_url()).content.decode()
    assert "25 reviews" in first
    assert 'href="?page=2"' in first
    second = client.get(f"{ann.get_absolute_url()}?page=2").content.decode()
    assert first.count("A careful, moving film.") == 20
    assert second.count("A careful, moving film.") == 5


def test_spoiler_free_reviews_page_without_counting_them(client):
    film = FilmFactory()
    for i in range(25):
        AudienceReviewFactory(film=film, body=f"Review {i:02d}.", has_spoilers=i % 2 == 0)
    for i in range(25, 47):
        AudienceReviewFactory(film=film, body=f"Review {i:02d}.")
    url = f"/films/{film.slug}/audience-reviews/?spoilers=hide"

    first = client.get(url).content.decode()
    second = client.get(f"{url}&page=2").content.decode()
    past_the_end = client.get(f"{url}&page=99").content.decode()
    far_past = client.get(f"{url}&page=99999999999999999999").content.decode()
    not_a_number = client.get(f"{url}&page=x").content.decode()

    # 12 spoiler-free reviews from the first 25, and 22 more: 34, so two pages of 20.
    assert "Page 1" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert "Page 2" in second and 'rel="prev"' in second and 'rel="next"' not in second
    assert " reviews</p>" not in first  # no count is shown, as none was made
    shown = [f"Review {i:02d}." for i in range(47) if i >= 25 or i % 2]
    assert sum(text in first for text in shown) == 20
    assert sum(text in second for text in shown) == 14
    assert "Review 00." not in first + second
    for page in (past_the_end, far_past, not_a_number):  # the end is not known: the first page
        assert "Page 1" in page and 'rel="next"' in page
        assert sum(text in page for text in shown) == 20

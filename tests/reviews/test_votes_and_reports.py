"""Members mark others' reviews helpful and report them; moderators act on the reports."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import AudienceReview, HelpfulVote, ReportReason, ReviewReport
from reviews.scores import refresh_film_scores
from tests.factories import AudienceReviewFactory, FilmFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def review():
    return AudienceReviewFactory(body="A careful, generous review.")


def vote(client, review, helpful="1", next_url=None):
    data = {"helpful": helpful}
    if next_url is not None:
        data["next"] = next_url
    return client.post(f"/audience-reviews/{review.pk}/helpful/", data)


def test_a_member_marks_a_review_helpful_once_and_can_take_it_back(client, member, review):
    client.force_login(member)
    back = f"/films/{review.film.slug}/audience-reviews/#review-{review.pk}"
    response = vote(client, review, next_url=back)
    assert response.status_code == 302
    assert response["Location"] == back
    vote(client, review)  # a second vote from the same member changes nothing
    review.refresh_from_db()
    assert review.helpful_count == 1
    assert HelpfulVote.objects.filter(review=review, user=member).count() == 1

    html = client.get(f"/films/{review.film.slug}/audience-reviews/").content.decode()
    assert "1 found this helpful" in html
    assert 'aria-pressed="true"' in html
    assert "You found this helpful" in html
    # The member's profile page shows the same state, so the vote can be taken back there.
    profile = client.get(review.user.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in profile
    assert 'name="helpful" value="0"' in profile

    vote(client, review, helpful="0")
    review.refresh_from_db()
    assert review.helpful_count == 0
    assert not HelpfulVote.objects.exists()


def test_a_member_cannot_vote_on_their_own_review(client, review):
    client.force_login(review.user)
    assert vote(client, review).status_code == 403
    assert not HelpfulVote.objects.exists()
    html = client.get(f"/films/{review.film.slug}/audience-reviews/").content.decode()
    assert f"/audience-reviews/{review.pk}/helpful/" not in html


def test_a_visitor_voting_is_sent_to_log_in_and_back(client, review):
    back = f"/films/{review.film.slug}/audience-reviews/"
    response = vote(client, review, next_url=back)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={back}"
    assert not HelpfulVote.objects.exists()


def test_voting_on_a_hidden_or_unknown_review_is_a_404(client, member):
    hidden = AudienceReviewFactory(is_hidden=True)
    client.force_login(member)
    assert vote(client, hidden).status_code == 404
    assert client.post("/audience-reviews/424242/helpful/").status_code == 404


def test_a_next_to_another_site_is_ignored(client, member, review):
    client.force_login(member)
    response = vote(client, review, next_url="https://evil.example/")
    assert response["Location"] == review.get_absolute_url()


def test_voting_is_a_post_with_a_csrf_token(member, review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(f"/audience-reviews/{review.pk}/helpful/").status_code == 405
    assert vote(client, review).status_code == 403
    assert not HelpfulVote.objects.exists()


def test_the_list_sorts_by_most_helpful_or_newest(client):
    film = FilmFactory()
    quiet = AudienceReviewFactory(film=film, body="Quiet review, newest.")
    loved = AudienceReviewFactory(
        film=film, body="Loved review.", created_at=quiet.created_at.replace(year=2020)
    )
    for voter in MemberFactory.create_batch(3):
        client.force_login(voter)
        vote(client, loved)
    url = f"/films/{film.slug}/audience-reviews/"
    newest = client.get(url).content.decode()
    assert newest.index("Quiet review") < newest.index("Loved review")
    helpful = client.get(url, {"sort": "helpful"}).content.decode()
    assert helpful.index("Loved review") < helpful.index("Quiet review")
    assert "3 found this helpful" in helpful
    # An unknown sort is the default order, not an error.
    assert client.get(url, {"sort": "'; drop table"}).status_code == 200


def report(client, review, **data):
    return client.post(f"/audience-reviews/{review.pk}/report/", {"reason": "spam", **data})


def test_the_stored_count_follows_the_votes_even_after_it_drifted(client, member, review):
    """Taking back a vote never makes a negative count, whatever the stored number said."""
    HelpfulVote.objects.create(review=review, user=member)
    client.force_login(member)
    vote(client, review, helpful="0")
    review.refresh_from_db()
    assert review.helpful_count == 0


def test_deleting_a_voter_recounts_the_reviews_they_found_helpful(client, review, member):
    from accounts.services import delete_members

    client.force_login(member)
    vote(client, review)
    delete_members(users=[member])
    review.refresh_from_db()
    assert review.helpful_count == 0


def test_reporting_a_hidden_review_is_a_404(client, member):
    hidden = AudienceReviewFactory(is_hidden=True)
    client.force_login(member)
    assert client.get(f"/audience-reviews/{hidden.pk}/report/").status_code == 404
    assert report(client, hidden).status_code == 404


def test_a_member_reports_a_review_with_a_reason(client, member, review):
    client.force_login(member)
    page = client.get(f"/audience-reviews/{review.pk}/report/").content.decode()
    assert "Spam or advertising" in page
    assert "A careful, generous review." in page
    response = report(client, review, reason="abuse", details="Insults another member.")
    assert response.status_code == 302
    filed = ReviewReport.objects.get()
    assert (filed.reporter, filed.reason, filed.details) == (
        member,
        ReportReason.ABUSE,
        "Insults another member.",
    )
    assert (
        "The moderators will look at this review."
        in client.get(response["Location"]).content.decode()
    )
    # Reporting again updates the one report.
    report(client, review, reason="spam")
    assert ReviewReport.objects.get().reason == ReportReason.SPAM


def test_a_dismissed_report_reopens_only_for_a_new_reason(client, member, moderator, review):
    client.force_login(member)
    report(client, review, reason="spam")
    filed = ReviewReport.objects.get()
    ReviewReport.objects.update(resolved_at=filed.created_at, resolved_by=moderator)
    report(client, review, reason="spam", details="Still spam!")
    again = ReviewReport.objects.get()
    assert not again.is_open
    assert again.created_at == filed.created_at
    report(client, review, reason="abuse")
    assert ReviewReport.objects.get().is_open


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Choose a reason."),
        ({"reason": "nonsense"}, "Select a valid choice."),
        ({"reason": "other", "details": ""}, "Tell the moderators what is wrong with this review."),
        ({"reason": "abuse", "details": "x" * 1001}, "at most 1000 characters"),
    ],
)
def test_a_bad_report_gets_a_message_and_keeps_the_text(client, member, review, data, message):
    client.force_login(member)
    response = report(client, review, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReviewReport.objects.exists()


def test_a_member_cannot_report_their_own_review_and_visitors_log_in_first(client, review):
    response = report(client, review)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(review.user)
    assert report(client, review).status_code == 403
    assert not ReviewReport.objects.exists()


def test_reporting_needs_a_csrf_token(member, review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert report(client, review).status_code == 403


def test_moderators_see_reports_and_hiding_takes_the_review_off_the_page_and_scores(
    client, moderator, settings
):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    bad = AudienceReviewFactory(film=film, rating=Decimal("0.5"), body="Spam spam spam.")
    AudienceReviewFactory(film=film, rating=Decimal("5.0"), body="A real review.")
    refresh_film_scores(film=film)
    assert film.audience_rating_count == 2
    reporter = MemberFactory()
    c = Client()
    c.force_login(reporter)
    report(c, bad, details="Advert.")

    client.force_login(moderator)
    queue = client.get(reverse("admin:reviews_reviewreport_changelist")).content.decode()
    assert "Spam or advertising" in queue
    assert "Advert." in queue
    report_pk = ReviewReport.objects.get().pk
    response = client.post(
        reverse("admin:reviews_reviewreport_changelist"),
        {"action": "hide_reported", "_selected_action": [report_pk]},
    )
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.is_hidden
    assert not ReviewReport.objects.get().is_open
    film.refresh_from_db()
    assert (film.audience_rating_count, film.audience_score) == (1, 100)
    page = Client().get(film.get_absolute_url()).content.decode()
    assert "Spam spam spam." not in page
    assert "A real review." in page

    # Restoring brings it back, to the page and to the scores.
    client.post(
        reverse("admin:reviews_audiencereview_changelist"),
        {"action": "restore_reviews", "_selected_action": [bad.pk]},
    )
    film.refresh_from_db()
    assert film.audience_rating_count == 2
    assert "Spam spam spam." in Client().get(film.get_absolute_url()).content.decode()


def test_moderators_hide_but_cannot_rewrite_a_members_review(client, moderator, review):
    client.force_login(moderator)
    url = reverse("admin:reviews_audiencereview_change", args=[review.pk])
    form = client.get(url).content.decode()
    assert 'name="is_hidden"' in form
    for field in ("body", "rating", "user", "film"):
        assert f'name="{field}"' not in form
    ReviewReport.objects.create(review=review, reporter=MemberFactory(), reason="spam")
    response = client.post(url, {"is_hidden": "on", "body": "Rewritten!", "_save": "Save"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_hidden
    assert review.body == "A careful, generous review."
    assert not ReviewReport.objects.get().is_open


def test_the_report_queue_links_to_the_reviews_admin_page(client, moderator, review):
    ReviewReport.objects.create(review=review, reporter=MemberFactory(), reason="spam")
    client.force_login(moderator)
    queue = client.get(reverse("admin:reviews_reviewreport_changelist")).content.decode()
    assert reverse("admin:reviews_audiencereview_change", args=[review.pk]) in queue


def test_moderators_can_dismiss_a_report_without_hiding(client, moderator, review):
    ReviewReport.objects.create(review=review, reporter=MemberFactory(), reason="spam")
    client.force_login(moderator)
    client.post(
        reverse("admin:reviews_reviewreport_changelist"),
        {"action": "dismiss_reports", "_selected_action": [ReviewReport.objects.get().pk]},
    )
    report_row = ReviewReport.objects.get()
    assert not report_row.is_open
    assert report_row.resolved_by == moderator
    assert not AudienceReview.objects.get().is_hidden


def test_members_cannot_see_the_report_queue(client, member, editor):
    client.force_login(member)
    assert client.get(reverse("admin:reviews_reviewreport_changelist")).status_code == 302
    client.force_login(editor)
    assert client.get(reverse("admin:reviews_reviewreport_changelist")).status_code == 403

"""Work done in the admin keeps the stored scores right, and only staff get in."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from reviews.models import AudienceReview, CriticReview, ReviewReport, Sentiment
from reviews.scores import refresh_film_scores
from reviews.tallies import rebuild_counts
from tests.admin_helpers import confirm_import, history, preview_import, row_errors
from tests.factories import (
    AudienceReviewFactory,
    CriticFactory,
    CriticReviewFactory,
    FilmFactory,
    MemberFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def critic_form(critic, **changes) -> dict:
    """The critic change form's fields as the admin posts them."""
    data = {"name": critic.name, "slug": critic.slug, "bio": critic.bio, "_save": "Save"}
    if critic.is_top_critic:
        data["is_top_critic"] = "on"
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_adding_a_critic_review_in_the_admin_updates_the_films_stored_score(client, editor):
    film = FilmFactory()
    CriticReviewFactory.create_batch(4, film=film, sentiment=Sentiment.FRESH)
    refresh_film_scores(film=film)
    critic = CriticFactory()
    client.force_login(editor)

    response = client.post(
        reverse("admin:reviews_criticreview_add"),
        {
            "film": film.pk,
            "critic": critic.pk,
            "sentiment": Sentiment.ROTTEN,
            "review_date": "2024-03-01",
            "is_published": "on",
            "excerpt": "Earnest but thin.",
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors
    film.refresh_from_db()
    assert film.critic_review_count == 5
    assert film.critic_classified_count == 5
    assert film.critics_score == 80


def test_a_review_added_in_the_admin_follows_its_critics_top_critic_flag(client, editor):
    film = FilmFactory()
    critic = CriticFactory(is_top_critic=True)
    client.force_login(editor)

    client.post(
        reverse("admin:reviews_criticreview_add"),
        {"film": film.pk, "critic": critic.pk, "sentiment": Sentiment.FRESH, "is_published": "on"},
    )

    assert CriticReview.objects.get(film=film).is_top_critic is True
    film.refresh_from_db()
    assert film.top_critic_review_count == 1


def test_changing_a_critics_top_critic_flag_in_the_admin_updates_their_reviews(client, editor):
    critic = CriticFactory(is_top_critic=False)
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film, critic=critic, sentiment=Sentiment.FRESH)
    refresh_film_scores(film=film)
    client.force_login(editor)

    response = client.post(
        reverse("admin:reviews_critic_change", args=[critic.pk]),
        critic_form(critic, is_top_critic="on"),
    )

    assert response.status_code == 302
    assert set(critic.reviews.values_list("is_top_critic", flat=True)) == {True}
    film.refresh_from_db()
    assert film.top_critic_review_count == 5
    assert film.top_critics_score == 100


def test_clearing_a_critics_top_critic_flag_in_the_admin_unmarks_their_reviews(client, admin_user):
    critic = CriticFactory(is_top_critic=True)
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film, critic=critic)
    refresh_film_scores(film=film)
    assert film.top_critics_score == 100
    client.force_login(admin_user)

    client.post(
        reverse("admin:reviews_critic_change", args=[critic.pk]),
        critic_form(critic, is_top_critic=None),
    )

    critic.refresh_from_db()
    assert critic.is_top_critic is False
    assert set(critic.reviews.values_list("is_top_critic", flat=True)) == {False}
    film.refresh_from_db()
    assert film.top_critics_score is None


def test_deleting_a_critic_review_in_the_admin_updates_the_films_stored_score(client, admin_user):
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film)
    review = CriticReviewFactory(film=film, sentiment=Sentiment.ROTTEN)
    refresh_film_scores(film=film)
    assert film.critics_score == 83
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:reviews_criticreview_delete", args=[review.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    film.refresh_from_db()
    assert film.critic_review_count == 5
    assert film.critics_score == 100


def test_hiding_audience_reviews_in_the_admin_updates_the_films_stored_score(
    client, moderator, settings
):
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    low = AudienceReviewFactory(film=film, rating=Decimal("1.0"))
    AudienceReviewFactory(film=film, rating=Decimal("4.0"))
    refresh_film_scores(film=film)
    assert film.audience_score == 50
    client.force_login(moderator)

    response = client.post(
        reverse("admin:reviews_audiencereview_changelist"),
        {"action": "hide_reviews", "_selected_action": [low.pk]},
    )

    assert response.status_code == 302
    film.refresh_from_db()
    assert film.audience_rating_count == 1
    assert film.audience_score == 100


def test_deleting_a_member_in_the_admin_takes_their_ratings_out_of_the_scores(
    client, admin_user, settings
):
    """Their reviews go with them (CASCADE); the films they rated must be rescored too."""
    settings.SCORES_MIN_AUDIENCE_RATINGS = 1
    film = FilmFactory()
    leaving = AudienceReviewFactory(film=film, rating=Decimal("1.0"))
    AudienceReviewFactory(film=film, rating=Decimal("4.0"))
    refresh_film_scores(film=film)
    assert film.audience_score == 50
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_delete", args=[leaving.user.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not AudienceReview.objects.filter(pk=leaving.pk).exists()
    film.refresh_from_db()
    assert film.audience_rating_count == 1
    assert film.audience_score == 100


def test_an_editor_can_open_a_films_change_form(client, editor):
    film = FilmFactory()
    CriticReviewFactory(film=film)
    client.force_login(editor)

    response = client.get(reverse("admin:films_film_change", args=[film.pk]))

    assert response.status_code == 200


# Critic reviews in bulk -------------------------------------------------------------------

REVIEWS = reverse("admin:reviews_criticreview_changelist")


def act(client, url: str, action: str, objects) -> str:
    response = client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("action", "field", "value", "score", "message"),
    [
        ("unpublish", "is_published", False, None, "Unpublished: 2 critic reviews."),
        ("set_rotten", "sentiment", Sentiment.ROTTEN, 71, "Set Rotten: 2 critic reviews."),
        ("set_unclassified", "sentiment", "", 100, "Set Unclassified: 2 critic reviews."),
    ],
)
def test_bulk_review_actions_rescore_the_film_and_enter_the_history(
    client, editor, action, field, value, score, message
):
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film, sentiment=Sentiment.FRESH)
    chosen = CriticReviewFactory.create_batch(2, film=film, sentiment=Sentiment.FRESH)
    refresh_film_scores(film=film)
    client.force_login(editor)

    page = act(client, REVIEWS, action, chosen)

    assert message in page
    assert {
        getattr(r, field) for r in CriticReview.objects.filter(pk__in=[c.pk for c in chosen])
    } == {value}
    film.refresh_from_db()
    assert film.critics_score == (score if score is not None else 100)
    assert [history(review) for review in chosen] == [[message.split(":")[0]]] * 2


def test_publishing_brings_reviews_back_into_the_score(client, editor):
    film = FilmFactory()
    CriticReviewFactory.create_batch(5, film=film, sentiment=Sentiment.FRESH, is_published=False)
    refresh_film_scores(film=film)
    assert film.critics_score is None
    client.force_login(editor)

    act(client, REVIEWS, "publish", film.critic_reviews.all())

    film.refresh_from_db()
    assert (film.critic_review_count, film.critics_score) == (5, 100)


def test_an_action_on_rows_that_need_nothing_says_so(client, editor):
    reviews = CriticReviewFactory.create_batch(2, is_published=True)
    client.force_login(editor)

    page = act(client, REVIEWS, "publish", reviews)

    assert "Nothing to do" in page
    assert not LogEntry.objects.exists()


def test_critic_reviews_filter_by_film_critic_publication_and_sentiment(client, editor):
    film = FilmFactory(title="Refusenik")
    mine = CriticReviewFactory(film=film, sentiment=Sentiment.ROTTEN)
    CriticReviewFactory(film=film, sentiment=Sentiment.FRESH)
    CriticReviewFactory()
    client.force_login(editor)

    def listed(query: str) -> set[int]:
        response = client.get(REVIEWS + query)
        assert response.status_code == 200
        return {r.pk for r in response.context["cl"].result_list}

    assert len(listed(f"?film={film.pk}")) == 2
    assert "Refusenik (2008)" in client.get(f"{REVIEWS}?film={film.pk}").content.decode()
    assert listed(f"?critic={mine.critic_id}") == {mine.pk}
    assert listed(f"?publication__id__exact={mine.publication_id}") == {mine.pk}
    assert listed(f"?film={film.pk}&sentiment__exact=rotten") == {mine.pk}
    assert listed("?film=999999") == set()


def test_marking_top_critics_carries_the_flag_to_their_reviews_and_rescores(client, editor):
    film = FilmFactory()
    critics = CriticFactory.create_batch(5)
    for critic in critics:
        CriticReviewFactory(film=film, critic=critic, sentiment=Sentiment.FRESH)
    refresh_film_scores(film=film)
    assert film.top_critics_score is None
    client.force_login(editor)

    page = act(client, reverse("admin:reviews_critic_changelist"), "mark_top_critics", critics)

    assert "Marked as Top Critic: 5 critics." in page
    film.refresh_from_db()
    assert (film.top_critic_review_count, film.top_critics_score) == (5, 100)
    assert LogEntry.objects.filter(change_message="Marked as Top Critic").count() == 5

    act(client, reverse("admin:reviews_critic_changelist"), "unmark_top_critics", critics[:1])

    film.refresh_from_db()
    assert film.top_critic_review_count == 4
    assert not CriticReview.objects.get(critic=critics[0]).is_top_critic


def test_the_critic_list_names_their_publications_and_links_their_reviews(client, editor):
    publication = PublicationFactory(name="The Daily Reel")
    critic = CriticFactory(name="Ann Critic", publications=[publication])
    CriticReviewFactory.create_batch(3, critic=critic)
    rebuild_counts()  # as the review services keep them
    client.force_login(editor)

    page = client.get(reverse("admin:reviews_critic_changelist")).content.decode()

    assert "The Daily Reel" in page
    link = f"/admin/reviews/criticreview/?critic={critic.pk}&amp;is_published__exact=1"
    assert f'href="{link}">3</a>' in page


# CSV import of critic reviews ---------------------------------------------------------------

CSV_HEADER = "film,critic,publication,sentiment,review_date,original_score,excerpt,url\n"


def test_critic_reviews_import_with_a_preview_then_rescore_their_films(client, editor):
    film = FilmFactory(title="Refusenik", year=2008)
    CriticFactory(name="Ann Critic", is_top_critic=True)
    PublicationFactory(name="The Daily Reel")
    rows = "".join(
        f"refusenik-2008,,The Daily Reel,fresh,2008-05-0{i},3/4,Moving.,https://r.example/{i}\n"
        for i in range(1, 5)
    )
    text = CSV_HEADER + rows + "Refusenik,Ann Critic,,Rotten,2008-05-09,,Thin.,\n"
    client.force_login(editor)

    preview = preview_import(client, "reviews_criticreview", text)

    assert row_errors(preview) == {}
    assert not CriticReview.objects.exists()

    confirm_import(client, "reviews_criticreview", preview)

    film.refresh_from_db()
    assert (film.critic_review_count, film.critics_score) == (5, 80)
    ann = CriticReview.objects.get(critic__name="Ann Critic")
    assert ann.is_top_critic and ann.sentiment == Sentiment.ROTTEN
    assert film.top_critic_review_count == 1


def test_importing_reviews_again_updates_them_instead_of_adding_more(client, editor):
    FilmFactory(title="Refusenik", year=2008)
    CriticFactory(name="Ann Critic")
    text = CSV_HEADER + "refusenik-2008,Ann Critic,,fresh,2008-05-01,,Moving.,\n"
    client.force_login(editor)

    def run_import(text: str) -> list[dict]:
        preview = preview_import(client, "reviews_criticreview", text)
        confirm_import(client, "reviews_criticreview", preview)
        return list(CriticReview.objects.values())

    first = run_import(text)
    assert run_import(text) == first  # the same file again changes nothing
    changed = run_import(text.replace("fresh", "rotten"))

    assert len(changed) == 1 and changed[0]["id"] == first[0]["id"]
    assert changed[0]["sentiment"] == "rotten"


def test_a_review_imported_without_its_url_gets_it_on_the_next_import(client, editor):
    FilmFactory(title="Refusenik", year=2008)
    CriticFactory(name="Ann Critic")
    client.force_login(editor)
    header = "film,critic,sentiment,url,is_published\n"

    for text in (
        header + "refusenik-2008,Ann Critic,fresh,,\n",
        header + "refusenik-2008,ann-critic,fresh,https://r.example/ann,yes\n",
    ):
        preview = preview_import(client, "reviews_criticreview", text)
        confirm_import(client, "reviews_criticreview", preview)

    review = CriticReview.objects.get()
    assert (review.url, review.is_published) == ("https://r.example/ann", True)


def test_a_yes_or_no_column_refuses_anything_else(client, editor):
    FilmFactory(title="Refusenik", year=2008)
    client.force_login(editor)

    preview = preview_import(
        client, "reviews_criticreview", "film,is_published\nrefusenik-2008,maybe\n"
    )

    assert "“maybe” is not yes or no: write 1 or 0." in row_errors(preview)[1]


def test_a_critic_review_import_shows_each_bad_rows_errors_and_saves_nothing(client, editor):
    FilmFactory(title="Refusenik", year=2008)
    FilmFactory(title="Twin", year=2001)
    FilmFactory(title="Twin", year=2002)
    text = CSV_HEADER + (
        "refusenik-2008,,,fresh,,,,\n"
        "no-such-film,,,fresh,,,,\n"
        "refusenik-2008,Nobody,,fresh,,,,\n"
        "refusenik-2008,,,great,,,,\n"
        "Twin,,,fresh,,,,\n"
        "refusenik-2008,,,fresh,,,,not a url\n"
    )
    client.force_login(editor)

    preview = preview_import(client, "reviews_criticreview", text)

    errors = row_errors(preview)
    assert set(errors) == {2, 3, 4, 5, 6}
    assert "No film is called “no-such-film”: add it in the admin first." in errors[2]
    assert "No critic is called “Nobody”" in errors[3]
    assert "“great” is not one of: Fresh, Rotten." in errors[4]
    assert "More than one film is called “Twin”: give its slug." in errors[5]
    assert "Enter a valid URL." in errors[6]
    assert preview.context.get("confirm_form") is None
    assert not CriticReview.objects.exists()


def test_critic_reviews_export_to_csv(client, editor):
    review = CriticReviewFactory(
        film__title="Refusenik", critic__name="Ann Critic", publication__name="The Daily Reel"
    )
    client.force_login(editor)

    response = client.post(
        reverse("admin:reviews_criticreview_export"),
        {
            "format": "0",
            **{
                f"criticreviewresource_{name}": "on"
                for name in ("id", "film", "critic", "publication", "sentiment")
            },
        },
    )

    assert response.content.decode().splitlines() == [
        "id,film,critic,publication,sentiment",
        f"{review.pk},refusenik-2008,ann-critic,the-daily-reel,fresh",
    ]


# The report queue ---------------------------------------------------------------------------

QUEUE = reverse("admin:reviews_reviewreport_changelist")


def report(**kwargs) -> ReviewReport:
    return ReviewReport.objects.create(
        review=kwargs.pop("review", None) or AudienceReviewFactory(body="Spoiler: he dies."),
        reporter=MemberFactory(),
        reason="spoilers",
        **kwargs,
    )


def test_the_queue_lists_open_reports_unless_the_moderator_asks_for_others(client, moderator):
    waiting = report()
    settled = report(resolved_at=timezone.now())
    client.force_login(moderator)

    def listed(query: str = "") -> set[int]:
        return {r.pk for r in client.get(QUEUE + query).context["cl"].result_list}

    assert listed() == {waiting.pk}
    assert listed("?status=resolved") == {settled.pk}
    assert listed("?status=all") == {waiting.pk, settled.pk}


def test_a_report_shows_the_text_and_links_to_it_on_the_site_while_it_shows(client, moderator):
    filed = report()
    review = filed.review
    client.force_login(moderator)

    page = client.get(QUEUE).content.decode()

    assert "Spoiler: he dies." in page
    assert f'href="{review.get_absolute_url()}">on the site</a>' in page
    assert f'href="/admin/reviews/audiencereview/{review.pk}/change/"' in page

    act(client, QUEUE, "hide_reported", [filed])

    page = client.get(QUEUE + "?status=all").content.decode()
    assert review.get_absolute_url() not in page  # hidden: the page on the site is gone


def test_working_the_queue_enters_the_history_of_reports_and_reviews(client, moderator):
    filed, other = report(), report()
    client.force_login(moderator)

    act(client, QUEUE, "hide_reported", [filed])
    act(client, QUEUE, "dismiss_reports", [other])

    assert history(filed.review) == ["Hidden"]
    assert history(other) == ["Resolved"]
    filed.refresh_from_db()
    assert filed.resolved_by == moderator

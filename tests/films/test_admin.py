"""Editors run the catalogue from the film admin: find films, fix their scores, and bring
films in and out as CSV with a preview of every row's errors before anything is saved."""

import csv
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from films.models import Film
from reviews.models import CriticReview, Sentiment
from reviews.scores import refresh_film_scores
from tests.admin_helpers import (
    change_form_data,
    confirm_import,
    history,
    preview_import,
    row_errors,
)
from tests.factories import (
    CreditFactory,
    CriticReviewFactory,
    FilmFactory,
    GenreFactory,
    PhotoFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:films_film_changelist")


@pytest.fixture
def editing(client, editor):
    client.force_login(editor)
    return client


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"{CHANGELIST}{query}")
    assert response.status_code == 200
    return sorted(film.title for film in response.context["cl"].result_list)


def test_the_film_list_shows_posters_scores_and_links_to_the_reviews(editing):
    film = FilmFactory(title="Refusenik", poster="posters/refusenik.jpg")
    CriticReviewFactory.create_batch(5, film=film)
    refresh_film_scores(film=film)

    page = editing.get(CHANGELIST).content.decode()

    assert 'src="/media/posters/refusenik.jpg"' in page
    assert 'alt="Poster of Refusenik (2008)"' in page
    assert f'href="/admin/reviews/criticreview/?film={film.pk}">5 reviews</a>' in page


def test_films_filter_by_acclaimed_as_the_site_shows_it(editing):
    FilmFactory(title="Forced on", acclaimed_override=Film.AcclaimedOverride.ON)
    earned = FilmFactory(title="Earned")
    Film.objects.filter(pk=earned.pk).update(acclaimed_earned=True)
    overruled = FilmFactory(title="Overruled", acclaimed_override=Film.AcclaimedOverride.OFF)
    Film.objects.filter(pk=overruled.pk).update(acclaimed_earned=True)
    FilmFactory(title="Plain")

    assert listed(editing, "?acclaimed=yes") == ["Earned", "Forced on"]
    assert listed(editing, "?acclaimed=no") == ["Overruled", "Plain"]
    assert listed(editing, "?acclaimed=forced") == ["Forced on", "Overruled"]


def test_films_filter_by_consensus_genre_decade_and_release_type(editing):
    drama = GenreFactory(name="Drama")
    FilmFactory(title="Agreed", consensus="A triumph.", year=1994, genres=[drama])
    FilmFactory(title="Undecided", year=2008, release_type=Film.ReleaseType.WIDE)

    assert listed(editing, "?consensus=yes") == ["Agreed"]
    assert listed(editing, "?consensus=no") == ["Undecided"]
    assert listed(editing, f"?genres__id__exact={drama.pk}") == ["Agreed"]
    assert listed(editing, "?decade=1990") == ["Agreed"]
    assert listed(editing, "?release_type__exact=wide") == ["Undecided"]


def test_films_are_found_by_title_by_a_person_in_the_credits_and_by_year(editing):
    shawshank = FilmFactory(title="The Shawshank Redemption", year=1994)
    CreditFactory(film=shawshank, person__name="Morgan Freeman")
    FilmFactory(title="Se7en", year=1995)

    assert listed(editing, "?q=shawshank") == ["The Shawshank Redemption"]
    assert listed(editing, "?q=freeman") == ["The Shawshank Redemption"]
    assert listed(editing, "?q=1995") == ["Se7en"]


def test_recomputing_scores_fixes_drifted_films_and_records_it_in_their_history(editing):
    film = FilmFactory()
    CriticReviewFactory.create_batch(4, film=film, sentiment=Sentiment.FRESH)
    CriticReviewFactory(film=film, sentiment=Sentiment.ROTTEN)
    Film.objects.filter(pk=film.pk).update(critics_score=12, critic_review_count=1)

    response = editing.post(
        CHANGELIST, {"action": "recompute_scores", "_selected_action": [film.pk]}, follow=True
    )

    film.refresh_from_db()
    assert (film.critics_score, film.critic_review_count) == (80, 5)
    assert "Recomputed the scores: 1 film." in response.content.decode()
    assert history(film) == ["Recomputed the scores"]
    assert LogEntry.objects.get().user.username == "edie"


def test_a_moderator_cannot_recompute_scores(client, moderator):
    film = FilmFactory()
    Film.objects.filter(pk=film.pk).update(critic_review_count=3)
    client.force_login(moderator)

    client.post(CHANGELIST, {"action": "recompute_scores", "_selected_action": [film.pk]})

    film.refresh_from_db()
    assert film.critic_review_count == 3


def test_the_change_form_previews_photos_and_keeps_stored_scores_read_only(editing):
    photo = PhotoFactory(alt_text="A kitchen table")

    response = editing.get(reverse("admin:films_film_change", args=[photo.film.pk]))

    page = response.content.decode()
    assert f'src="{photo.image.url}"' in page and 'alt="A kitchen table"' in page
    form = response.context["adminform"].form
    assert "critics_score" not in form.fields and "audience_score" not in form.fields
    assert "slug" in response.context["prepopulated_fields_json"]


# CSV import and export ---------------------------------------------------------------------

HEADER = "slug,title,year,genres,release_date,release_type,rating,runtime,studio,synopsis\n"


def test_films_export_to_csv_with_their_genres_and_stored_scores(editing):
    film = FilmFactory(title="Refusenik", genres=[GenreFactory(name="Documentary")])
    CriticReviewFactory.create_batch(5, film=film)
    refresh_film_scores(film=film)

    response = editing.post(
        reverse("admin:films_film_export"),
        {
            "format": "0",
            "filmresource_slug": "on",
            **{
                f"filmresource_{name}": "on"
                for name in ("title", "year", "genres", "critics_score", "critic_review_count")
            },
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "slug": "refusenik-2008",
            "title": "Refusenik",
            "year": "2008",
            "genres": "Documentary",
            "critics_score": "100",
            "critic_review_count": "5",
        }
    ]


def test_the_import_page_lists_the_columns_an_import_reads(editing):
    response = editing.get(reverse("admin:films_film_import"))

    ((_, columns),) = response.context["fields_list"]
    assert columns[:4] == ["slug", "title", "year", "genres"]
    assert "critics_score" not in columns  # exported, never imported


def test_an_import_previews_every_row_and_saves_only_when_confirmed(editing):
    GenreFactory(name="Drama")
    GenreFactory(name="Crime")
    text = HEADER + (
        ",The Shawshank Redemption,1994,Drama|Crime,1994-09-23,Wide,R,142,Castle Rock,Hope.\n"
        ",Babylon 5,,,,,,,,\n"
    )

    preview = preview_import(editing, "films_film", text)

    assert row_errors(preview) == {}
    assert "The Shawshank Redemption" in preview.content.decode()
    assert not Film.objects.exists()  # a preview saves nothing

    response = confirm_import(editing, "films_film", preview)

    assert response.status_code == 302
    film = Film.objects.get(title="The Shawshank Redemption")
    assert (film.slug, film.year, film.runtime, film.rating) == (
        "the-shawshank-redemption-1994",
        1994,
        142,
        "R",
    )
    assert film.release_type == Film.ReleaseType.WIDE  # the label is read as its value
    assert sorted(g.name for g in film.genres.all()) == ["Crime", "Drama"]
    assert Film.objects.get(title="Babylon 5").year is None
    assert history(film) == ["Added by a CSV import"]


def test_an_import_shows_each_bad_rows_errors_and_saves_nothing(editing):
    GenreFactory(name="Drama")
    text = HEADER + (
        ",Fine,2001,Drama,,,,,,\n"
        ",Wrong genre,2001,Westerns,,,,,,\n"
        ",Wrong year,1700,,,,,,,\n"
        ",Wrong type,2001,,,Everywhere,,,,\n"
        ",Wrong date,2001,,23/09/1994,,,,,\n"
        ",,2001,,,,,,,\n"
    )

    preview = preview_import(editing, "films_film", text)

    errors = row_errors(preview)
    assert set(errors) == {2, 3, 4, 5, 6}
    assert "Unknown genre: Westerns" in errors[2]
    assert "1870" in errors[3] or "year" in errors[3].lower()
    assert "“Everywhere” is not one of: Wide, Limited, Festival, Streaming." in errors[4]
    assert "“23/09/1994” is not a date: write it as YYYY-MM-DD." in errors[5]
    assert "This field cannot be blank." in errors[6]
    assert "Unknown genre: Westerns" in preview.content.decode()
    assert preview.context.get("confirm_form") is None
    assert not Film.objects.exists()


def test_an_import_updates_films_found_by_slug_or_by_title_and_year(editing):
    by_slug = FilmFactory(title="Old title", year=2000)
    by_title = FilmFactory(title="Refusenik", year=2008, runtime=90)
    text = HEADER + (f"{by_slug.slug},New title,2000,,,,,,,\n,refusenik,2008,,,,,117,,\n")

    confirm_import(editing, "films_film", preview_import(editing, "films_film", text))

    by_slug.refresh_from_db()
    by_title.refresh_from_db()
    assert by_slug.title == "New title"
    assert by_title.runtime == 117
    assert Film.objects.count() == 2


def test_blank_cells_leave_a_films_values_as_they_are(editing):
    film = FilmFactory(
        title="Kept", runtime=90, consensus="Moving.", genres=[GenreFactory(name="Drama")]
    )
    text = HEADER + f"{film.slug},,,,,limited,,,,\n"

    confirm_import(editing, "films_film", preview_import(editing, "films_film", text))

    film.refresh_from_db()
    assert film.release_type == "limited"
    assert (film.title, film.year, film.runtime, film.consensus) == ("Kept", 2008, 90, "Moving.")
    assert [g.name for g in film.genres.all()] == ["Drama"]


def test_a_spreadsheets_year_finds_the_film_instead_of_adding_it_again(editing):
    film = FilmFactory(title="Heat", year=1995, runtime=90)
    text = HEADER + ",Heat,1995.0,,,,,170,,\n"

    confirm_import(editing, "films_film", preview_import(editing, "films_film", text))

    film.refresh_from_db()
    assert film.runtime == 170
    assert Film.objects.count() == 1


def test_an_import_rescores_the_films_it_changes(editing, settings):
    settings.SCORES_ACCLAIMED_MIN_REVIEWS = 5
    settings.SCORES_ACCLAIMED_MIN_REVIEWS_WIDE = 8
    settings.SCORES_ACCLAIMED_MIN_TOP_CRITIC_REVIEWS = 0
    film = FilmFactory(title="Small", year=2020, release_type=Film.ReleaseType.WIDE)
    CriticReviewFactory.create_batch(6, film=film, sentiment=Sentiment.FRESH)
    refresh_film_scores(film=film)
    assert not film.acclaimed_earned  # a wide release needs 8 reviews here

    text = HEADER + f"{film.slug},Small,2020,,,limited,,,,\n"
    confirm_import(editing, "films_film", preview_import(editing, "films_film", text))

    film.refresh_from_db()
    assert film.release_type == "limited"
    assert film.acclaimed_earned  # a limited release needs 5


def test_a_moderator_cannot_import_films(client, moderator):
    client.force_login(moderator)

    assert client.get(reverse("admin:films_film_import")).status_code == 403
    assert "Import" not in client.get(CHANGELIST).content.decode()


def test_a_films_form_edits_its_newest_critic_reviews_and_links_to_them_all(editing):
    film = FilmFactory()
    CriticReviewFactory.create_batch(25, film=film)
    refresh_film_scores(film=film)

    response = editing.get(reverse("admin:films_film_change", args=[film.pk]))

    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is CriticReview
    )
    newest = CriticReview.objects.filter(film=film).order_by("-review_date", "-pk")[:20]
    assert [form.instance.pk for form in formset.forms] == [r.pk for r in newest]
    assert "All 25 critic reviews of this film" in response.content.decode()


def test_an_editor_edits_a_films_tags_and_links_as_plain_text(editing):
    film = FilmFactory(tags=["atmospheric"])
    response = editing.get(reverse("admin:films_film_change", args=[film.pk]))
    data = change_form_data(response)
    assert data["tags"] == "atmospheric"

    data.update(tags=" twist ending, Atmospheric ,atmospheric,, noir ", imdb_id="tt0114709")
    saved = editing.post(reverse("admin:films_film_change", args=[film.pk]), data)

    assert saved.status_code == 302
    film.refresh_from_db()
    assert film.tags == ["twist ending", "Atmospheric", "noir"]
    assert film.imdb_id == "tt0114709"


def test_a_film_refuses_too_many_tags_and_a_malformed_imdb_id(editing):
    film = FilmFactory()
    data = change_form_data(editing.get(reverse("admin:films_film_change", args=[film.pk])))
    data.update(tags=",".join(f"tag {i}" for i in range(11)), imdb_id="0114709")

    response = editing.post(reverse("admin:films_film_change", args=[film.pk]), data)

    errors = response.context["adminform"].form.errors
    assert errors["tags"] == ["Give at most 10 tags."]
    assert errors["imdb_id"] == ['An IMDb id looks like "tt0114709".']


@pytest.mark.parametrize(
    "query", ["?decade=²", "?q=²²²²", "?decade=abc", "?acclaimed=maybe", "?consensus=x"]
)
def test_odd_filter_values_never_break_the_film_list(editing, query):
    FilmFactory()

    assert editing.get(CHANGELIST + query).status_code == 200


@pytest.mark.parametrize("query", ["?film=²", "?critic=²", "?film=abc", "?critic=-1"])
def test_odd_filter_values_never_break_the_review_list(editing, query):
    CriticReviewFactory()

    assert editing.get(reverse("admin:reviews_criticreview_changelist") + query).status_code == 200


def test_a_year_search_stays_within_the_chosen_filters(editing):
    drama = GenreFactory(name="Drama")
    FilmFactory(title="In drama", year=1994, genres=[drama])
    FilmFactory(title="Not in drama", year=1994)

    assert listed(editing, f"?genres__id__exact={drama.pk}&q=1994") == ["In drama"]


def test_a_films_form_costs_no_more_for_a_thousand_reviews_than_for_twenty(editing, page_queries):
    """It edits the newest twenty: the rest (a hot film has thousands) cost nothing."""
    film = FilmFactory()
    CriticReviewFactory.create_batch(20, film=film)
    url = reverse("admin:films_film_change", args=[film.pk])
    page_queries(url)  # once before counting, for what a process looks up once (content types)
    twenty = page_queries(url)

    CriticReviewFactory.create_batch(30, film=film)

    assert page_queries(url) == twenty

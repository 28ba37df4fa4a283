"""Film, Person, Credit, Photo, Genre: database constraints, slugs, names and URLs."""

import pytest
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from films.models import Credit, Film, Photo
from tests.factories import (
    ArticleFactory,
    BoardFactory,
    CreditFactory,
    CriticFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    PhotoFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected(create) -> None:
    """The database refuses the row (and the test's transaction stays usable)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


# Film constraints ----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1869, 2101, 0])
def test_a_film_year_out_of_range_is_rejected(year):
    assert_rejected(lambda: FilmFactory(year=year))


@pytest.mark.parametrize("year", [1870, 2100, None])
def test_a_film_year_in_range_or_unknown_is_accepted(year):
    assert FilmFactory(year=year).pk


def test_a_runtime_of_zero_is_rejected():
    assert_rejected(lambda: FilmFactory(runtime=0))


def test_an_unknown_runtime_is_accepted():
    assert FilmFactory(runtime=None).pk


def test_an_unknown_mpaa_rating_is_rejected():
    assert_rejected(lambda: FilmFactory(rating="X"))


@pytest.mark.parametrize("rating", [*Film.Rating.values, ""])
def test_every_mpaa_rating_and_none_is_accepted(rating):
    assert FilmFactory(rating=rating).pk


def test_an_unknown_release_type_is_rejected():
    assert_rejected(lambda: FilmFactory(release_type="imax"))


def test_an_unknown_acclaimed_override_is_rejected():
    assert_rejected(lambda: FilmFactory(acclaimed_override="yes"))


@pytest.mark.parametrize(
    "counts",
    [
        {"critic_classified_count": 2, "critic_fresh_count": 3},
        {"top_critic_classified_count": 0, "top_critic_fresh_count": 1},
        {"audience_rating_count": 19, "audience_liked_count": 20},
        {"critic_review_count": 1, "critic_classified_count": 2},
        {"critic_review_count": 1, "top_critic_review_count": 2},
        {"critic_review_count": 5, "top_critic_review_count": 1, "top_critic_classified_count": 2},
    ],
)
def test_score_counts_that_contradict_each_other_are_rejected(counts):
    film = FilmFactory()

    assert_rejected(lambda: Film.objects.filter(pk=film.pk).update(**counts))


@pytest.mark.parametrize("field", ["critics_score", "top_critics_score", "audience_score"])
def test_a_score_above_100_percent_is_rejected(field):
    film = FilmFactory()

    assert_rejected(lambda: Film.objects.filter(pk=film.pk).update(**{field: 101}))


# Credit constraints --------------------------------------------------------------------------


def test_the_same_credit_twice_is_rejected():
    credit = CreditFactory(role=Credit.Role.DIRECTOR)

    assert_rejected(
        lambda: CreditFactory(film=credit.film, person=credit.person, role=Credit.Role.DIRECTOR)
    )


def test_one_person_may_have_several_roles_and_characters_in_a_film():
    credit = CreditFactory(role=Credit.Role.DIRECTOR)

    CreditFactory(film=credit.film, person=credit.person, role=Credit.Role.WRITER)
    CreditFactory(film=credit.film, person=credit.person, character="Herself")
    CreditFactory(film=credit.film, person=credit.person, character="Narrator")

    assert credit.film.credits.count() == 4


def test_a_character_on_a_crew_credit_is_rejected():
    assert_rejected(lambda: CreditFactory(role=Credit.Role.DIRECTOR, character="Herself"))


def test_an_unknown_credit_role_is_rejected():
    assert_rejected(lambda: CreditFactory(role="grip", character=""))


# Slugs (films/slugs.py, shared by every model with a slug) ----------------------------------


def test_a_film_slug_is_its_title_and_year():
    assert FilmFactory(title="Refusenik", year=2008).slug == "refusenik-2008"


def test_a_film_without_a_year_gets_the_slug_of_its_title():
    film = FilmFactory(title="The Man Who Wasn't There: Director's Cut", year=None)

    assert film.slug == slugify(film.title) == "the-man-who-wasnt-there-directors-cut"


def test_a_slug_collision_gets_a_number():
    slugs = [FilmFactory(title="Refusenik", year=2008).slug for _ in range(3)]

    assert slugs == ["refusenik-2008", "refusenik-2008-2", "refusenik-2008-3"]


def test_a_slug_that_only_starts_like_another_is_no_collision():
    FilmFactory(title="Refusenik Returns", year=2008)

    assert FilmFactory(title="Refusenik", year=2008).slug == "refusenik-2008"


def test_a_slug_is_kept_when_the_title_changes():
    film = FilmFactory(title="Refusenik", year=2008)

    film.title = "Refusenik: The Long Road"
    film.save()

    film.refresh_from_db()
    assert film.slug == "refusenik-2008"


def test_a_slug_given_by_the_editor_is_kept():
    assert FilmFactory(title="Refusenik", year=2008, slug="refusenik").slug == "refusenik"


def test_a_very_long_title_gets_a_slug_that_fits():
    film = FilmFactory(title="Long " * 40, year=2008)
    again = FilmFactory(title="Long " * 40, year=2008)

    max_length = Film._meta.get_field("slug").max_length
    assert len(film.slug) <= max_length
    assert again.slug == f"{film.slug}-2"


def test_a_title_without_letters_still_gets_a_slug():
    assert FilmFactory(title="???", year=None).slug


@pytest.mark.parametrize(
    "factory",
    [PersonFactory, CriticFactory, PublicationFactory, BoardFactory],
    ids=lambda f: f._meta.model.__name__,
)
def test_names_are_slugified_with_a_number_on_collision(factory):
    first = factory(name="Joan Didion")
    second = factory(name="Joan Didion")
    third = factory(name="Joan Didion")

    assert [first.slug, second.slug, third.slug] == [
        "joan-didion",
        "joan-didion-2",
        "joan-didion-3",
    ]


def test_a_genre_slug_is_its_slugified_name():
    assert GenreFactory(name="Special Interest").slug == "special-interest"


def test_article_slugs_are_slugified_titles_with_a_number_on_collision():
    first = ArticleFactory(title="Ten films to see this autumn")
    second = ArticleFactory(title="Ten films to see this autumn")

    assert first.slug == "ten-films-to-see-this-autumn"
    assert second.slug == "ten-films-to-see-this-autumn-2"


# Names and URLs ------------------------------------------------------------------------------


def test_a_film_is_named_with_its_year_and_has_a_page():
    film = FilmFactory(title="Refusenik", year=2008)

    assert str(film) == "Refusenik (2008)"
    assert film.get_absolute_url() == "/films/refusenik-2008/"


def test_a_film_without_a_year_is_named_by_its_title():
    assert str(FilmFactory(title="Refusenik", year=None)) == "Refusenik"


def test_a_person_is_named_and_has_a_page():
    person = PersonFactory(name="Laura Bialis")

    assert str(person) == "Laura Bialis"
    assert person.get_absolute_url() == "/people/laura-bialis/"


def test_a_genre_is_named():
    assert str(GenreFactory(name="Documentary")) == "Documentary"


def test_a_cast_credit_names_the_character():
    credit = CreditFactory(
        film=FilmFactory(title="Refusenik", year=2008),
        person=PersonFactory(name="Natan Sharansky"),
        character="Himself",
    )

    assert str(credit) == "Natan Sharansky as Himself in Refusenik (2008)"


def test_a_crew_credit_names_the_role():
    credit = CreditFactory(
        film=FilmFactory(title="Refusenik", year=2008),
        person=PersonFactory(name="Laura Bialis"),
        role=Credit.Role.DIRECTOR,
    )

    assert str(credit) == "Laura Bialis, director of Refusenik (2008)"


def test_a_photo_is_named_by_its_caption_or_else_its_alt_text():
    captioned = PhotoFactory(caption="At the rally", alt_text="A crowd with banners.")
    uncaptioned = PhotoFactory(caption="", alt_text="A crowd with banners.")

    assert str(captioned) == "At the rally"
    assert str(uncaptioned) == "A crowd with banners."


def test_photos_are_stored_under_the_temporary_media_root(settings):
    photo = PhotoFactory()

    assert photo.image.path.startswith(str(settings.MEDIA_ROOT))
    assert photo.image.name.startswith("photos/")


def test_a_photo_without_alt_text_is_rejected():
    film = FilmFactory()

    assert_rejected(lambda: Photo.objects.create(film=film, image="photos/x.jpg", alt_text=""))


def test_a_slug_taken_by_a_concurrent_save_moves_on_to_the_next_free_one(monkeypatch):
    """Two saves can pick the same free slug; the second one then takes the next."""
    from films import slugs

    FilmFactory(title="Twin", year=2000)
    picks = iter(["twin-2000", "twin-2000-2"])
    monkeypatch.setattr(slugs, "unique_slug", lambda *args, **kwargs: next(picks))

    film = Film.objects.create(title="Twin", year=2000)

    assert film.slug == "twin-2000-2"


def test_a_failing_save_that_is_not_about_the_slug_is_not_retried():
    with pytest.raises(IntegrityError), transaction.atomic():
        Film.objects.create(title="Too Early", year=1700)

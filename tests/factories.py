"""factory_boy factories for the site's models.

Factories write rows directly: they do not go through the services, so the scores stored on a
film are not updated by them. Tests of scores call `reviews.scores.refresh_film_scores(film=...)`
(or the services) after creating reviews.
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from films.models import Credit, Film, Genre, Person, Photo
from forums.models import MOVIE_FORUM_SLUG, Board, Post, Thread
from news.models import Article
from reviews.models import AudienceReview, Critic, CriticReview, Publication, Sentiment


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class GenreFactory(DjangoModelFactory):
    class Meta:
        model = Genre

    name = factory.Sequence(lambda n: f"Genre {n}")


class FilmFactory(DjangoModelFactory):
    class Meta:
        model = Film
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Film {n}")
    year = 2008
    synopsis = "A film made for the tests."
    runtime = 90

    @factory.post_generation
    def genres(self, create, extracted, **kwargs):
        if create and extracted:
            self.genres.add(*extracted)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")


class CreditFactory(DjangoModelFactory):
    class Meta:
        model = Credit

    film = factory.SubFactory(FilmFactory)
    person = factory.SubFactory(PersonFactory)
    role = Credit.Role.CAST
    # Only cast credits may name a character (a database constraint).
    character = factory.LazyAttributeSequence(
        lambda o, n: f"Character {n}" if o.role == Credit.Role.CAST else ""
    )
    order = factory.Sequence(int)


class PhotoFactory(DjangoModelFactory):
    class Meta:
        model = Photo

    film = factory.SubFactory(FilmFactory)
    image = factory.django.ImageField(width=4, height=3, color="navy", filename="still.png")
    caption = factory.Sequence(lambda n: f"Still {n}")
    alt_text = "Two people talking in a kitchen."


class PublicationFactory(DjangoModelFactory):
    class Meta:
        model = Publication

    name = factory.Sequence(lambda n: f"Publication {n}")
    url = factory.LazyAttribute(lambda o: f"https://{slugify(o.name)}.example.com/")


class CriticFactory(DjangoModelFactory):
    class Meta:
        model = Critic
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Critic {n}")
    is_top_critic = False

    @factory.post_generation
    def publications(self, create, extracted, **kwargs):
        if create and extracted:
            self.publications.add(*extracted)


class CriticReviewFactory(DjangoModelFactory):
    class Meta:
        model = CriticReview

    film = factory.SubFactory(FilmFactory)
    critic = factory.SubFactory(CriticFactory)
    publication = factory.SubFactory(PublicationFactory)
    url = factory.Sequence(lambda n: f"https://reviews.example.com/{n}")
    excerpt = "A careful, moving film."
    sentiment = Sentiment.FRESH
    review_date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(n))
    is_published = True
    # A review's Top Critic mark follows its critic's flag, as the services keep it.
    is_top_critic = factory.LazyAttribute(lambda o: bool(o.critic and o.critic.is_top_critic))


class AudienceReviewFactory(DjangoModelFactory):
    class Meta:
        model = AudienceReview

    film = factory.SubFactory(FilmFactory)
    user = factory.SubFactory(MemberFactory)
    rating = Decimal("4.0")
    body = "I liked it."


class BoardFactory(DjangoModelFactory):
    class Meta:
        model = Board

    name = factory.Sequence(lambda n: f"Board {n}")
    description = "A board made for the tests."
    order = factory.Sequence(lambda n: n + 1)


class ThreadFactory(DjangoModelFactory):
    class Meta:
        model = Thread

    # Threads are in the Movie forum, which the migrations create, unless a test says otherwise.
    board = factory.LazyFunction(lambda: Board.objects.get(slug=MOVIE_FORUM_SLUG))
    title = factory.Sequence(lambda n: f"Thread {n}")
    author = factory.SubFactory(MemberFactory)
    last_poster = factory.SelfAttribute("author")


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(MemberFactory)
    body = "I have thoughts about this."


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article {n}")
    lead = "What happened this week."
    body = "Some **news**."
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def films(self, create, extracted, **kwargs):
        if create and extracted:
            self.films.add(*extracted)

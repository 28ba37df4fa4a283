"""Articles: Markdown made safe, films and articles linked both ways, related articles, and
the admin that editors write them in."""

import datetime
from html.parser import HTMLParser

import factory
import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Article, ArticleStatus
from tests.factories import ArticleFactory, FilmFactory, MemberFactory
from tests.html_safety import executable_markup, xss_vectors

pytestmark = pytest.mark.django_db
VECTORS = xss_vectors()


class _Sections(HTMLParser):
    """The text and links inside the element with a given id (a page section)."""

    def __init__(self, section_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.section_id, self.depth = section_id, 0
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.depth:
            self.depth += tag not in {"img", "input", "br", "hr", "meta", "link"}
            if tag == "a":
                self.links.append(attributes.get("href") or "")
        elif attributes.get("id") == self.section_id:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def links_in(page: str, section_id: str) -> list[str]:
    parser = _Sections(section_id)
    parser.feed(page)
    return parser.links


def test_the_body_is_rendered_from_markdown_when_saved():
    article = ArticleFactory(
        body="*Emphasis*, **strong**\n\n- one\n- two\n\n[site](https://example.com)"
    )
    html = Article.objects.get(pk=article.pk).body_html
    assert "<em>Emphasis</em>, <strong>strong</strong>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<a href="https://example.com" rel="nofollow ugc noopener">site</a>' in html


def test_saving_only_the_body_renders_it_again():
    article = ArticleFactory(body="old")
    article.body = "**new**"
    article.save(update_fields=["body"])
    assert Article.objects.get(pk=article.pk).body_html == "<p><strong>new</strong></p>\n"


def test_the_article_page_shows_the_rendered_body_with_headings_below_the_title(client):
    article = ArticleFactory(body="# Section\n\n## Part\n\nSome *words*.\n\n<b>raw</b>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<h2>Section</h2>" in html
    assert "<h3>Part</h3>" in html
    assert "Some <em>words</em>." in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html
    assert html.count("<h1") == 1


def test_script_and_javascript_links_in_a_body_are_neutralized(client):
    article = ArticleFactory(
        body="<script>alert(1)</script>\n\n[click](javascript:alert(1)) "
        '<a href="javascript:alert(2)">x</a>'
    )
    page = client.get(article.get_absolute_url()).content.decode()
    assert executable_markup(page) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text, not run
    assert "[click](javascript:alert(1))" in page  # no link made


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_no_vector_runs_as_an_article(client, vector):
    film = FilmFactory()
    article = ArticleFactory(
        title=vector[:200],
        lead=vector[:400],
        body=vector,
        image_alt=vector[:300],
        films=[film],
        author=MemberFactory(display_name=vector[:50]),
    )
    ArticleFactory(body=vector, films=[film])  # shown as related
    for url in [article.get_absolute_url(), "/news/", film.get_absolute_url()]:
        page = client.get(url)
        assert page.status_code == 200, url
        assert executable_markup(page.content.decode()) == [], url


@pytest.mark.parametrize(
    "published_at",
    [None, timezone.now() + datetime.timedelta(hours=1)],
    ids=["draft", "scheduled"],
)
def test_drafts_and_scheduled_articles_are_404_and_not_listed(client, published_at):
    film = FilmFactory()
    article = ArticleFactory(title="Not yet", published_at=published_at, films=[film])
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Not yet" not in client.get("/news/").content.decode()
    assert article.get_absolute_url() not in client.get(film.get_absolute_url()).content.decode()


def test_films_and_articles_link_both_ways(client):
    harbor, lantern = FilmFactory(title="Glass Harbor"), FilmFactory(title="Paper Lantern")
    article = ArticleFactory(title="Two premieres", films=[harbor, lantern])

    page = client.get(article.get_absolute_url()).content.decode()
    film_links = links_in(page, "films")
    assert harbor.get_absolute_url() in film_links
    assert lantern.get_absolute_url() in film_links
    for film in (harbor, lantern):
        film_page = client.get(film.get_absolute_url()).content.decode()
        assert article.get_absolute_url() in links_in(film_page, "news")


def test_the_news_list_shows_cards_with_byline_date_and_films(client):
    film = FilmFactory(title="Glass Harbor", year=2021)
    author = MemberFactory(username="ed", display_name="Edith Ames")
    article = ArticleFactory(
        title="Harbor diaries",
        lead="A week on set.",
        author=author,
        published_at=timezone.make_aware(datetime.datetime(2024, 3, 5, 12)),
        films=[film],
    )
    html = client.get("/news/").content.decode()
    assert f'<a href="{article.get_absolute_url()}">Harbor diaries</a>' in html
    assert "A week on set." in html
    assert "By Edith Ames" in html
    assert '<time datetime="2024-03-05T12:00:00' in html
    assert f'<a href="{film.get_absolute_url()}">Glass Harbor (2021)</a>' in html


def test_the_news_list_says_so_when_there_is_no_news(client):
    assert "No news yet." in client.get("/news/").content.decode()


def test_related_articles_share_a_film_and_leave_out_the_article_itself(client):
    harbor, other = FilmFactory(), FilmFactory()
    now = timezone.now()
    article = ArticleFactory(title="The main story", films=[harbor, other])
    older = ArticleFactory(
        title="Older story", films=[harbor, other], published_at=now - datetime.timedelta(days=2)
    )
    newer = ArticleFactory(title="Newer story", films=[other], published_at=now)
    ArticleFactory(title="Unrelated story", films=[FilmFactory()])
    ArticleFactory(title="Draft story", films=[harbor], published_at=None)

    related = list(Article.objects.published().related_to(article))
    assert related == [newer, older]  # each once, though sharing two films; newest first

    page = client.get(article.get_absolute_url()).content.decode()
    links = links_in(page, "related")
    assert links == [newer.get_absolute_url(), older.get_absolute_url()]
    assert article.get_absolute_url() not in links


def test_an_article_without_films_has_no_film_or_related_sections(client):
    article = ArticleFactory(films=[])
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Films in this article" not in page
    assert "More on these films" not in page


def test_the_article_page_has_open_graph_tags_and_a_canonical_link(client):
    article = ArticleFactory(
        title="Harbor diaries",
        lead="A week on set.",
        image=factory.django.ImageField(filename="still.png"),
        image_alt="The harbor at dusk",
    )
    page = client.get(article.get_absolute_url()).content.decode()
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in page
    assert '<meta property="og:title" content="Harbor diaries">' in page
    assert '<meta property="og:description" content="A week on set.">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert f'<meta property="og:image" content="http://testserver{article.image.url}">' in page
    assert f'src="{article.image.url}" alt="The harbor at dusk"' in page


def test_an_image_without_a_description_gets_an_empty_alt(client):
    article = ArticleFactory(image=factory.django.ImageField(filename="still.png"), image_alt="")
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{article.image.url}" alt=""' in page
    assert "og:image" in page
    assert "og:image" not in client.get(ArticleFactory().get_absolute_url()).content.decode()


def test_status_follows_the_publication_date():
    now = timezone.now()
    assert ArticleFactory(published_at=None).status == ArticleStatus.DRAFT
    scheduled = ArticleFactory(published_at=now + datetime.timedelta(days=1))
    assert scheduled.status == ArticleStatus.SCHEDULED
    assert ArticleFactory(published_at=now).status == ArticleStatus.PUBLISHED


def test_an_editor_adds_an_article_in_the_admin_and_is_its_author(client, editor):
    film = FilmFactory()
    client.force_login(editor)
    response = client.post(
        reverse("admin:news_article_add"),
        {
            "title": "Festival report",
            "slug": "festival-report",
            "lead": "What we saw.",
            "body": "Two *great* days.",
            "films": [film.pk],
            "published_at_0": "2024-03-05",
            "published_at_1": "12:00:00",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get(slug="festival-report")
    assert article.author == editor
    assert article.body_html == "<p>Two <em>great</em> days.</p>\n"
    assert list(article.films.all()) == [film]


def test_an_author_chosen_in_the_admin_is_kept(client, admin_user):
    writer = MemberFactory(is_staff=True)
    client.force_login(admin_user)
    client.post(
        reverse("admin:news_article_add"),
        {"title": "Guest piece", "body": "Hello.", "author": writer.pk, "_save": "Save"},
    )
    assert Article.objects.get(title="Guest piece").author == writer


def test_an_editor_picks_the_byline_from_the_staff_only(client, editor):
    colleague = MemberFactory(username="colleague", is_staff=True)
    MemberFactory(username="outsider")
    client.force_login(editor)
    form = client.get(reverse("admin:news_article_add")).context["adminform"].form
    assert set(form.fields["author"].queryset) == {editor, colleague}
    response = client.post(
        reverse("admin:news_article_add"),
        {"title": "By a colleague", "body": "Hello.", "author": colleague.pk, "_save": "Save"},
    )
    assert response.status_code == 302
    assert Article.objects.get(title="By a colleague").author == colleague


def test_the_admin_lists_and_filters_articles_by_status(client, editor):
    ArticleFactory(title="Live piece")
    ArticleFactory(title="Draft piece", published_at=None)
    ArticleFactory(title="Later piece", published_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(editor)
    url = reverse("admin:news_article_changelist")
    page = client.get(url).content.decode()
    for text in ("Live piece", "Draft piece", "Later piece", "Draft", "Scheduled", "Published"):
        assert text in page
    drafts = client.get(url, {"status": "draft"}).content.decode()
    assert "Draft piece" in drafts and "Live piece" not in drafts
    assert client.get(url, {"status": "nonsense"}).status_code == 200
    assert client.get(url, {"q": "Later"}).status_code == 200


def test_the_films_autocomplete_answers_editors(client, editor):
    FilmFactory(title="Glass Harbor")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "glass", "app_label": "news", "model_name": "article", "field_name": "films"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Glass Harbor (2008)"]


def test_an_article_slugged_like_a_feed_still_has_its_page(client):
    article = ArticleFactory(title="Feed")
    assert article.get_absolute_url() == "/news/feed/"
    response = client.get("/news/feed/")
    assert response.status_code == 200
    assert "<h1>Feed</h1>" in response.content.decode()
    assert client.get("/feeds/news/")["Content-Type"].startswith("application/rss+xml")

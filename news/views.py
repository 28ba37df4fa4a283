from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import RELATED_ARTICLES, Article

ARTICLES_PER_PAGE = 12


@require_safe
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().for_listing()
    # get_page: a page number that is not one, or is past the end, shows a page that is.
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "news/article_list.html", {"page": page})


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published().for_detail(), slug=slug)
    related = Article.objects.published().related_to(article)[:RELATED_ARTICLES]
    return render(
        request, "news/article_detail.html", {"article": article, "related_articles": related}
    )

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Article

ARTICLES_PER_PAGE = 12


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published().select_related("author")
    page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "news/article_list.html", {"page": page})


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(
        Article.objects.published().select_related("author").prefetch_related("films"),
        slug=slug,
    )
    return render(request, "news/article_detail.html", {"article": article})

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from films.models import Film

from .models import MOVIE_FORUM_SLUG, Board, Post, Thread

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 25


@require_GET
def board_list(request: HttpRequest) -> HttpResponse:
    boards = Board.objects.annotate(
        thread_count=Count("threads", distinct=True),
        post_count=Count("threads__posts", filter=Q(threads__posts__is_hidden=False)),
    ).order_by("order", "name")
    return render(request, "forums/board_list.html", {"boards": boards})


@require_GET
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(Board, slug=slug)
    threads = Thread.objects.filter(board=board).for_listing().select_related("film")
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forums/board_detail.html", {"board": board, "page": page})


@require_GET
def thread_detail(request: HttpRequest, board: str, pk: int, slug: str) -> HttpResponse:
    thread = get_object_or_404(
        Thread.objects.select_related("board", "film"), pk=pk, board__slug=board
    )
    if request.path != thread.get_absolute_url():
        # The title, and so the slug, may have changed; keep the page asked for.
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(thread.get_absolute_url() + query, permanent=True)
    posts = Post.objects.filter(thread=thread, is_hidden=False).select_related("author")
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forums/thread_detail.html", {"thread": thread, "page": page})


@require_GET
def film_discussion(request: HttpRequest, slug: str) -> HttpResponse:
    film = get_object_or_404(Film, slug=slug)
    board = Board.objects.filter(slug=MOVIE_FORUM_SLUG).first()
    threads = Thread.objects.filter(film=film).for_listing()
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "forums/film_discussion.html", {"film": film, "board": board, "page": page}
    )

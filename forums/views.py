"""Forum pages: boards, threads, posting with a preview, moderation on the pages, following."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.limits import Allowance, Cooldown, rate_limited
from accounts.redirects import next_url
from films.models import Film
from reviewsite.markup import render_markdown

from . import services
from .forms import MoveThreadForm, PostForm, PostReportForm, ThreadForm, quote
from .models import MOVIE_FORUM_SLUG, Board, Post, Thread, ThreadVisit

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 25
TOO_FAST = (
    "You posted a moment ago: wait {seconds} seconds between posts. "
    "What you wrote is still here; send it again in a moment."
)
TOO_MANY_POSTS = (
    "You have posted {limit} times in the last hour, the most we take in that time. "
    "Please post this a little later: what you wrote is still here."
)
THREAD_ACTIONS = {
    "lock": ({"locked": True}, "Thread locked: it takes no new replies."),
    "unlock": ({"locked": False}, "Thread unlocked."),
    "pin": ({"pinned": True}, "Thread pinned to the top of its board."),
    "unpin": ({"pinned": False}, "Thread unpinned."),
}


# Finding what a request is about -------------------------------------------------------------


def _may_see(request: HttpRequest, thread: Thread) -> bool:
    """A thread a moderator hid is seen only by moderators and its author."""
    return (
        not thread.is_hidden
        or (request.user.is_authenticated and thread.author_id == request.user.pk)
        or services.is_moderator(request.user)
    )


def _thread(request: HttpRequest, pk: int) -> Thread:
    thread = get_object_or_404(Thread.objects.select_related("board", "film"), pk=pk)
    if not _may_see(request, thread):
        raise Http404("A moderator hid this thread.")
    return thread


def _post(request: HttpRequest, pk: int) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("thread__board", "thread__film", "author"), pk=pk
    )
    if not _may_see(request, post.thread):
        raise Http404("A moderator hid this thread.")
    return post


def _moderator_only(request: HttpRequest) -> None:
    if not services.is_moderator(request.user):
        raise PermissionDenied("Only moderators can do that.")


def post_location(post: Post) -> str:
    """The address of the thread page that shows `post`, at its anchor."""
    page = services.post_position(post) // POSTS_PER_PAGE + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{post.thread.get_absolute_url()}{query}#post-{post.pk}"


def _take_posting_turn(request: HttpRequest, form: PostForm) -> tuple | None:
    """Flood control and the hourly limit; a refusal goes on the form, which keeps the text."""
    cooldown = Cooldown(request, "post", settings.FORUM_FLOOD_SECONDS)
    if not cooldown.granted:
        form.add_error(None, TOO_FAST.format(seconds=settings.FORUM_FLOOD_SECONDS))
        return None
    allowance = Allowance(request, "post")
    if not allowance.granted:
        cooldown.cancel()
        form.add_error(None, TOO_MANY_POSTS.format(limit=allowance.limit))
        return None
    return cooldown, allowance


def _post_form_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    """The page to write a thread, a reply or an edit on, with the preview when asked for."""
    form = context["form"]
    if request.method == "POST" and "preview" in request.POST and form.is_valid():
        context["preview"] = render_markdown(form.cleaned_data["body"])
    return render(request, "forums/post_form.html", context, status=status)


# Reading -------------------------------------------------------------------------------------


@require_safe
def board_list(request: HttpRequest) -> HttpResponse:
    boards = Board.objects.select_related(
        "last_thread__board", "last_thread__last_poster"
    ).order_by("order", "name")
    return render(request, "forums/board_list.html", {"boards": boards})


def _thread_list(request: HttpRequest, threads) -> Paginator:
    threads = threads.for_listing().select_related("film").with_read_state(request.user)
    if request.user.is_anonymous:
        threads = threads.visible()
    elif not services.is_moderator(request.user):  # as _may_see: authors see their own
        threads = threads.filter(Q(is_hidden=False) | Q(author=request.user))
    return Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))


@require_safe
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = get_object_or_404(Board, slug=slug)
    page = _thread_list(request, Thread.objects.filter(board=board))
    return render(request, "forums/board_detail.html", {"board": board, "page": page})


@require_safe
def thread_detail(request: HttpRequest, board: str, pk: int, slug: str) -> HttpResponse:
    thread = _thread(request, pk)
    if request.path != thread.get_absolute_url():
        # The title, and so the slug, or the board may have changed; keep the page asked for.
        # Not permanent: a title can change back, and a cached redirect would then loop.
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(thread.get_absolute_url() + query)
    posts = Post.objects.filter(thread=thread).order_by("created_at", "pk")
    page = Paginator(posts.values("pk"), POSTS_PER_PAGE).get_page(request.GET.get("page"))
    # The page's posts by their ids, skipped to in the (thread, created_at, id) index alone:
    # the last page of a 5,000-post thread then reads 25 posts' rows, not 5,000.
    page.object_list = list(
        Post.objects.filter(pk__in=page.object_list)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    for post in page.object_list:
        post.is_first = post is page.object_list[0] and page.number == 1
        post.is_last = post is page.object_list[-1] and not page.has_next()
    moderator = services.is_moderator(request.user)
    closed = services.reply_refusal(thread)
    context = {"thread": thread, "page": page, "moderator": moderator, "closed": closed}
    if request.user.is_authenticated:
        visit = ThreadVisit.objects.filter(thread=thread, user=request.user).first()
        context["following"] = bool(visit and visit.is_following)
        context["has_unread"] = bool(visit and visit.last_read_at) and (
            thread.last_posted_at > visit.last_read_at
        )
        newest_here = max((p.created_at for p in page.object_list), default=None)
        if newest_here is not None:
            services.mark_read(thread=thread, user=request.user, up_to=newest_here, visit=visit)
        if not closed:
            context["reply_form"] = PostForm()
    if moderator:
        context["move_form"] = MoveThreadForm(initial={"board": thread.board_id})
    return render(request, "forums/thread_detail.html", context)


@require_safe
def post_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's lasting address: the thread page it is on now, at its anchor."""
    return redirect(post_location(_post(request, pk)))


@require_safe
def thread_jump(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    """To the first post the member has not read, or else to the latest post others can see."""
    thread = _thread(request, pk)
    latest = Post.objects.filter(thread=thread, is_hidden=False).order_by("-created_at", "-pk")
    target = (
        services.first_unread_post(thread=thread, user=request.user) if to == "unread" else None
    )
    target = target or latest.select_related("thread__board").first()
    if target is None:
        return redirect(thread.get_absolute_url())
    return redirect(post_location(target))


@login_required
@require_safe
def following(request: HttpRequest) -> HttpResponse:
    """The threads the member follows, latest activity first, with what is new."""
    threads = Thread.objects.filter(visits__user=request.user, visits__is_following=True)
    page = _thread_list(request, threads)
    return render(request, "forums/following.html", {"page": page})


@require_safe
def film_discussion(request: HttpRequest, slug: str) -> HttpResponse:
    film = get_object_or_404(Film, slug=slug)
    board = Board.objects.filter(slug=MOVIE_FORUM_SLUG).first()
    page = _thread_list(request, Thread.objects.filter(film=film, board=board))
    return render(
        request, "forums/film_discussion.html", {"film": film, "board": board, "page": page}
    )


# Posting -------------------------------------------------------------------------------------


def _start_thread(request: HttpRequest, board: Board, film: Film | None) -> HttpResponse:
    form = ThreadForm(request.POST or None)
    context = {"form": form, "board": board, "film": film, "mode": "thread"}
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        turn = _take_posting_turn(request, form)
        if turn is None:
            return _post_form_page(request, context, status=429)
        thread = services.start_thread(
            board=board,
            film=film,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        messages.success(request, "Your thread is posted. You are following it.")
        return redirect(thread.get_absolute_url())
    return _post_form_page(request, context)


@login_required
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    return _start_thread(request, get_object_or_404(Board, slug=slug), film=None)


@login_required
@require_http_methods(["GET", "POST"])
def film_thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    """A new thread in the Movie forum, linked to the film."""
    film = get_object_or_404(Film, slug=slug)
    return _start_thread(request, get_object_or_404(Board, slug=MOVIE_FORUM_SLUG), film=film)


@login_required
@require_http_methods(["GET", "POST"])
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Reply to a thread; `?quote=<post>` opens the reply with that post quoted."""
    thread = _thread(request, pk)
    initial = {}
    quoted = request.GET.get("quote", "")
    if quoted.isascii() and quoted.isdecimal() and len(quoted) <= 19:  # a bigint's digits
        source = Post.objects.filter(thread=thread, pk=int(quoted), is_hidden=False).first()
        if source is not None:
            initial["body"] = quote(source)
    form = PostForm(request.POST or None, initial=initial)
    context = {"form": form, "thread": thread, "board": thread.board, "mode": "reply"}
    if closed := services.reply_refusal(thread):
        context["closed"] = closed
        return _post_form_page(request, context, status=403 if request.method == "POST" else 200)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        turn = _take_posting_turn(request, form)
        if turn is None:
            return _post_form_page(request, context, status=429)
        try:
            post = services.reply(
                thread=thread, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as refusal:  # locked or hidden while the member was writing
            turn[0].cancel()
            turn[1].give_back()
            context["closed"] = refusal.message
            return _post_form_page(request, context, status=403)
        messages.success(request, "Your reply is posted. You are following this thread.")
        return redirect(post_location(post))
    return _post_form_page(request, context)


def _own_post(request: HttpRequest, pk: int) -> Post:
    """The member's own post, when they may still change it."""
    post = _post(request, pk)
    if refusal := services.change_refusal(post=post, thread=post.thread, user=request.user):
        raise PermissionDenied(refusal)
    return post


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The author edits their post; on the first post, the thread's title too."""
    post = _own_post(request, pk)
    thread = post.thread
    form_class = ThreadForm if services.is_first_post(post) else PostForm
    form = form_class(request.POST or None, initial={"body": post.body, "title": thread.title})
    context = {"form": form, "thread": thread, "board": thread.board, "post": post, "mode": "edit"}
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            services.edit_post(
                post=post,
                user=request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
            )
        except PermissionDenied as refusal:  # locked or hidden while the member was writing
            context["closed"] = str(refusal)
            return _post_form_page(request, context, status=403)
        messages.success(request, "Your post was updated.")
        thread.refresh_from_db(fields=["title"])  # its address follows the title
        return redirect(post_location(post))
    return _post_form_page(request, context)


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The author deletes their post, after a confirmation, while it has no replies."""
    post = _own_post(request, pk)
    if services.has_replies(post):
        raise PermissionDenied(services.HAS_REPLIES_MESSAGE)
    if request.method == "POST":
        thread = services.delete_post(post=post, user=request.user)
        if thread is None:
            messages.success(request, "Your thread was deleted.")
            return redirect(post.thread.board.get_absolute_url())
        messages.success(request, "Your post was deleted.")
        return redirect(reverse("forums:thread_latest", kwargs={"pk": thread.pk}))
    first = services.is_first_post(post)
    return render(request, "forums/post_delete.html", {"post": post, "first": first})


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("report")
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the moderators to look at a post: a reason from a short list, and details."""
    post = _post(request, pk)
    if post.is_hidden:
        raise Http404("A moderator already hid this post.")
    if post.author_id == request.user.pk:
        raise PermissionDenied("You cannot report your own post.")
    form = PostReportForm(request.POST or None)
    if form.is_valid():
        services.report_post(post=post, reporter=request.user, **form.cleaned_data)
        messages.success(request, "Thanks. The moderators will look at this post.")
        return redirect(post_location(post))
    return render(request, "forums/post_report.html", {"post": post, "form": form})


# Following -----------------------------------------------------------------------------------


@require_POST
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a thread (following=1) or stop following it (following=0)."""
    thread = _thread(request, pk)
    back = next_url(request, thread.get_absolute_url())
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    following = request.POST.get("following") != "0"
    services.follow_thread(thread=thread, user=request.user, following=following)
    messages.success(
        request,
        "You are following this thread." if following else "You no longer follow this thread.",
    )
    return redirect(back)


# Moderation ----------------------------------------------------------------------------------


@require_POST
def post_hide(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator hides a post (hidden=1), or restores it (hidden=0)."""
    post = _post(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(post.get_absolute_url())
    _moderator_only(request)
    hidden = request.POST.get("hidden") != "0"
    services.set_posts_hidden(posts=[post], hidden=hidden, moderator=request.user)
    first = services.is_first_post(post)
    what = "thread" if first else "post"
    messages.success(request, f"The {what} is {'hidden' if hidden else 'restored'}.")
    return redirect(post_location(post))


@require_POST
def thread_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator locks or unlocks, pins or unpins a thread."""
    thread = _thread(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(thread.get_absolute_url())
    _moderator_only(request)
    action = THREAD_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponseBadRequest("Unknown moderation action.")
    flags, message = action
    services.set_thread_flags(thread=thread, **flags)
    messages.success(request, message)
    return redirect(thread.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def thread_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator moves a thread to another board."""
    thread = _thread(request, pk)
    _moderator_only(request)
    form = MoveThreadForm(request.POST or None, initial={"board": thread.board_id})
    if form.is_valid():
        board = form.cleaned_data["board"]
        services.move_thread(thread=thread, board=board)
        messages.success(request, f"Thread moved to {board}.")
        thread.board = board
        return redirect(thread.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request, "forums/thread_move.html", {"thread": thread, "form": form}, status=status
    )


@login_required
@require_safe
def post_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """For moderators: a post's earlier texts, newest first."""
    post = _post(request, pk)
    _moderator_only(request)
    revisions = post.revisions.all()
    return render(request, "forums/post_revisions.html", {"post": post, "revisions": revisions})

from axes.utils import reset as reset_lockouts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from forums.models import Post
from reviews.models import AudienceReview
from reviewsite.paging import StoredCountPaginator

from .forms import LoginForm, ProfileForm, SignupForm
from .limits import rate_limited
from .models import User
from .redirects import next_url
from .services import update_profile

REVIEWS_PER_PAGE = 20
POSTS_PER_PAGE = 20


class LoginView(auth_views.LoginView):
    """Log in (a username in any case) and return to the page the member came from."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        return next_url(self.request, "")


# Every sign-up attempt counts, not only successful ones: the form says whether an email
# address is taken, and that must not be asked of it over and over.
@rate_limited("signup", charge_failures=True)
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(next_url(request, reverse("home")))
    form = SignupForm(request.POST or None)
    if form.is_valid():
        try:
            with transaction.atomic():
                member = form.save()
        except IntegrityError:
            # Someone took the name or address in the moment since the form checked it.
            form.add_error(None, "That username or email address was just taken. Try another.")
        else:
            # Named, because django-axes' backend comes first and is not one to log in with.
            login(request, member, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {settings.SITE_NAME}, {member.username}!")
            return redirect(next_url(request, reverse("home")))
    return render(request, "accounts/signup.html", {"form": form, "next": next_url(request, "")})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link; that also lifts a log-in lockout.

    The lockout page sends members here: having proved they read the account's email, they
    should not then be refused their new password for the rest of the cool-off.
    """

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_lockouts(username=form.user.get_username().lower())  # as axes counts it
        return response


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("profile")
def profile_edit(request: HttpRequest) -> HttpResponse:
    member = request.user
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        initial={"display_name": member.display_name, "bio": member.bio},
    )
    if form.is_valid():
        update_profile(
            member=member,
            display_name=form.cleaned_data["display_name"],
            bio=form.cleaned_data["bio"],
            avatar=form.cleaned_data["avatar"],
            remove_avatar=form.cleaned_data["remove_avatar"],
        )
        messages.success(request, "Your profile is saved.")
        return redirect(member)
    return render(request, "accounts/profile_edit.html", {"form": form, "member": member})


def _profile_member(username: str) -> User:
    return get_object_or_404(User, username=username, is_active=True)


@require_safe
def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = _profile_member(username)
    reviews = (
        AudienceReview.objects.filter(user=member)
        .visible()
        .for_listing(viewer=request.user)
        .select_related("film")
    )
    page = StoredCountPaginator(reviews, REVIEWS_PER_PAGE, count=member.review_count).get_page(
        request.GET.get("page")
    )
    context = {
        "member": member,
        "page": page,
        "tab": "reviews",
        "review_count": member.review_count,
        "post_count": Post.objects.filter(author=member).visible().count(),
    }
    return render(request, "accounts/profile.html", context)


@require_safe
def profile_posts(request: HttpRequest, username: str) -> HttpResponse:
    member = _profile_member(username)
    posts = Post.objects.filter(author=member).visible().for_profile()
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "member": member,
        "page": page,
        "tab": "posts",
        "review_count": member.review_count,
        "post_count": page.paginator.count,
    }
    return render(request, "accounts/profile_posts.html", context)

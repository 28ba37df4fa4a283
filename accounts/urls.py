from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, register_converter, reverse_lazy
from django.urls.converters import StringConverter

from . import views
from .limits import rate_limited

app_name = "accounts"


class UsernameConverter(StringConverter):
    """The characters Django's username validator allows; anything else is simply not found."""

    regex = r"[\w.@+-]+"


register_converter(UsernameConverter, "username")

# Django's auth views name their templates and next pages for the un-namespaced URL names;
# ours live in the `accounts` namespace, so each is set here.
urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path(
        "accounts/password/change/",
        # Counted, wrong old passwords included: django-axes only watches the log-in form.
        rate_limited("password_change", charge_failures=True)(
            auth_views.PasswordChangeView.as_view(
                template_name="accounts/password_change_form.html",
                success_url=reverse_lazy("accounts:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        rate_limited("password_reset", charge_failures=True)(
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset_form.html",
                email_template_name="accounts/email/password_reset_body.txt",
                subject_template_name="accounts/email/password_reset_subject.txt",
                extra_email_context={"SITE_NAME": settings.SITE_NAME},
                success_url=reverse_lazy("accounts:password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/profile/", views.profile_edit, name="profile_edit"),
    path("users/<username:username>/", views.profile, name="profile"),
    path("users/<username:username>/posts/", views.profile_posts, name="profile_posts"),
]

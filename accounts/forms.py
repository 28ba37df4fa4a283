from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import MaxLengthValidator

from .images import PictureField
from .models import MOVIELENS_MEMBER_PREFIX, User

AVATAR_SIZE = (256, 256)


class MultilineField(forms.CharField):
    """Text from a textarea, its length counted as the textarea's own limit counts it."""

    widget = forms.Textarea

    def to_python(self, value) -> str:
        # Browsers send each line break as two characters but count it as one in `maxlength`.
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")


class LoginForm(AuthenticationForm):
    """Log in with the username in any case: names are unique whatever their case."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the field's max_length after building it, so nothing checks it: an
        # over-long name would reach django-axes, whose failure record (255 characters at
        # most) PostgreSQL then refuses with a server error.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))

    def clean(self) -> dict:
        typed = self.cleaned_data.get("username")
        if typed:
            stored = (
                User.objects.filter(username__iexact=typed)
                .values_list("username", flat=True)
                .first()
            )
            if stored:
                self.cleaned_data["username"] = stored
        return super().clean()


class SignupForm(UserCreationForm):
    """A new member: username, email and a password Django's validators accept."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "For resetting your password. Never shown to others."

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        # "Mina" and "mina" would be told apart by the database but not by people reading a page.
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                "That username is taken. Please choose another.", code="username_taken"
            )
        if username.casefold().startswith(MOVIELENS_MEMBER_PREFIX):
            raise forms.ValidationError(
                f"Names starting with “{MOVIELENS_MEMBER_PREFIX}” belong to imported members. "
                "Please choose another.",
                code="username_reserved",
            )
        return username

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "A member already uses this email address. If it is yours, log in or reset "
                "your password.",
                code="email_taken",
            )
        return email


class ProfileForm(forms.Form):
    """What a member shows about themselves on their profile.

    A plain form rather than a ModelForm: a ModelForm copies valid fields onto the instance
    while validating, so a form sent back with errors would already show the new name in the
    page header as if it had been saved.
    """

    display_name = forms.CharField(
        label="Display name",
        max_length=User._meta.get_field("display_name").max_length,
        required=False,
        help_text="Shown on your reviews and posts instead of your username. Optional.",
    )
    bio = MultilineField(
        label="About you",
        max_length=User._meta.get_field("bio").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Up to 2,000 characters.",
    )
    avatar = PictureField(
        label="Profile picture",
        size=AVATAR_SIZE,
        crop=True,
        required=False,
        widget=forms.FileInput,
        help_text="A JPEG, PNG or WebP image up to 5 MB. It is cropped to a square.",
    )
    remove_avatar = forms.BooleanField(label="Remove my profile picture", required=False)

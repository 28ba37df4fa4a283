from decimal import Decimal

from django import forms

from accounts.forms import MultilineField
from films.models import Film

from .models import RATING_CHOICES, REVIEW_MAX_LENGTH, ReviewReport
from .services import reviews_open_message


class AudienceReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Your rating",
        choices=[("", "No rating"), *RATING_CHOICES],
        coerce=Decimal,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Choose a rating from half a star to 5 stars, in half stars."
        },
    )
    body = MultilineField(
        label="Your review",
        required=False,
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Optional, up to 5,000 characters. Put ||double bars|| around a spoiler to hide it "
            "until a reader clicks it."
        ),
        error_messages={
            "max_length": "Reviews can be at most %(limit_value)d characters; "
            "this one has %(show_value)d."
        },
    )
    has_spoilers = forms.BooleanField(
        label="Contains spoilers",
        required=False,
        help_text="Hides the whole review until a reader chooses to see it.",
    )

    def __init__(self, *args, film: Film, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.film = film

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.film.is_released:
            raise forms.ValidationError(reviews_open_message(self.film), code="not_released")
        # Only when both fields are valid: a bad rating or an overlong text has its own message.
        if "rating" in cleaned and "body" in cleaned and not (cleaned["rating"] or cleaned["body"]):
            self.add_error("rating", "Choose a star rating, write a review, or both.")
        return cleaned


class ReportForm(forms.ModelForm):
    """A member's report for the moderators: a reason from the model's list, and details."""

    reported = "item"  # what the form reports, in its labels
    reason = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": "Choose a reason."}
    )
    details = MultilineField(
        label="What is wrong with it?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional, up to 1,000 characters; needed when the reason is “Something else”.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        reason = self.fields["reason"]
        reason.label = f"Why should the moderators look at this {self.reported}?"
        reason.choices = self._meta.model._meta.get_field("reason").choices

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reason") == "other" and not cleaned.get("details"):
            self.add_error(
                "details", f"Tell the moderators what is wrong with this {self.reported}."
            )
        return cleaned


class ReviewReportForm(ReportForm):
    reported = "review"

    class Meta:
        model = ReviewReport
        fields = ["reason", "details"]

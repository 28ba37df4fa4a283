from django import forms

from accounts.forms import MultilineField
from reviews.forms import ReportForm

from .models import POST_MAX_LENGTH, TITLE_MAX_LENGTH, Board, Post, PostReport

BODY_HELP = (
    "Markdown: **bold**, *italic*, [links](https://example.com), > quotes, lists and "
    "`code`. Hide spoilers ||like this||."
)


class PostForm(forms.Form):
    """A reply, or the new text of a post."""

    body = MultilineField(
        label="Your post",
        max_length=POST_MAX_LENGTH,
        help_text=BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Write something to post."},
    )


class ThreadForm(PostForm):
    """A new thread: its title and first post; also the first post's edit, title included."""

    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": "Give the thread a title."},
    )
    field_order = ["title", "body"]


class MoveThreadForm(forms.Form):
    board = forms.ModelChoiceField(
        queryset=Board.objects.order_by("order", "name"),
        label="Move to",
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"invalid_choice": "That board does not exist (any more). Pick another."},
    )


class PostReportForm(ReportForm):
    reported = "post"

    class Meta:
        model = PostReport
        fields = ["reason", "details"]


def quote(post: Post) -> str:
    """The opening of a reply that quotes `post`: its author and text, as a Markdown quote."""
    name = post.author.public_name if post.author else "A former member"
    for special in "\\[]*_`|<>":
        name = name.replace(special, f"\\{special}")
    lines = [f"[{name} wrote]({post.get_absolute_url()}):", "", *post.body.split("\n")]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"

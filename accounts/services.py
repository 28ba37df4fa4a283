"""Writes about members that reach beyond the User row, each in one transaction."""

from collections.abc import Iterable

from django.core.files import File
from django.db import transaction

from reviews.models import AudienceReview, HelpfulVote
from reviews.scores import refresh_scores
from reviews.services import sync_helpful_counts

from .models import User


@transaction.atomic
def delete_members(*, users: Iterable[User]) -> None:
    """Delete members; their reviews and votes go with them, so the films they rated are
    rescored and the reviews they found helpful recounted."""
    ids = [user.pk for user in users]
    film_ids = set(AudienceReview.objects.filter(user_id__in=ids).values_list("film_id", flat=True))
    voted_on = set(HelpfulVote.objects.filter(user_id__in=ids).values_list("review_id", flat=True))
    avatars = list(
        User.objects.filter(pk__in=ids).exclude(avatar="").values_list("avatar", flat=True)
    )
    User.objects.filter(pk__in=ids).delete()
    refresh_scores(film_ids=film_ids)
    sync_helpful_counts(reviews=AudienceReview.objects.filter(pk__in=voted_on))
    _delete_files_on_commit(avatars)


@transaction.atomic
def update_profile(
    *,
    member: User,
    display_name: str,
    bio: str,
    avatar: File | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save what a member shows on their profile; a new `avatar` replaces any old one.

    A replaced or removed picture's file is deleted once the change is committed.
    """
    old_avatar = member.avatar.name
    member.display_name = display_name
    member.bio = bio
    if avatar is not None:
        member.avatar.save(avatar.name, avatar, save=False)
    elif remove_avatar:
        member.avatar = ""
    member.save(update_fields=["display_name", "bio", "avatar"])
    if old_avatar and old_avatar != member.avatar.name:
        _delete_files_on_commit([old_avatar])
    return member


def _delete_files_on_commit(names: list[str]) -> None:
    """Delete stored pictures once the rows that named them are gone for good."""
    # Files are not part of the transaction: deleting them before the commit could leave rows
    # pointing at nothing if it rolled back.
    storage = User._meta.get_field("avatar").storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)

"""Members edit their display name, bio and profile picture."""

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.services import delete_members
from tests.accounts.helpers import field_error, image_upload
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mina(client, member):
    member.display_name = "Mina"
    member.bio = "I like long films."
    member.save()
    client.force_login(member)
    return member


def edit(client: Client, **changes):
    data = {"display_name": "Mina M.", "bio": "Documentaries, mostly."}
    return client.post("/accounts/profile/", {**data, **changes})


def test_visitors_are_sent_to_log_in_from_profile_edit(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_the_form_shows_the_members_details_with_labels(client, mina):
    html = client.get("/accounts/profile/").content.decode()
    assert 'value="Mina"' in html
    assert "I like long films.</textarea>" in html
    for field in ["display_name", "bio", "avatar"]:
        assert f'for="id_{field}"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "remove_avatar" not in html  # nothing to remove yet


def test_saving_goes_to_the_profile_with_a_message(client, mina):
    response = client.post(
        "/accounts/profile/", {"display_name": "Mina M.", "bio": "Documentaries."}, follow=True
    )
    assert response.redirect_chain == [("/users/mina/", 302)]
    html = response.content.decode()
    assert "Your profile is saved." in html
    assert "Mina M." in html
    mina.refresh_from_db()
    assert (mina.display_name, mina.bio) == ("Mina M.", "Documentaries.")


def test_an_uploaded_picture_is_stored_as_a_small_webp(client, mina):
    edit(client, avatar=image_upload(size=(1000, 700), fmt="JPEG", name="me.jpg"))
    mina.refresh_from_db()
    assert mina.avatar.name.startswith("avatars/")
    assert mina.avatar.name.endswith(".webp")
    with default_storage.open(mina.avatar.name) as stored:
        image = Image.open(BytesIO(stored.read()))
        assert (image.format, image.size) == ("WEBP", (256, 256))


def test_a_replaced_picture_is_deleted_from_storage(
    client, mina, django_capture_on_commit_callbacks
):
    edit(client, avatar=image_upload())
    mina.refresh_from_db()
    old = mina.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, avatar=image_upload(color="orange"))
    mina.refresh_from_db()
    assert mina.avatar.name != old
    assert default_storage.exists(mina.avatar.name)
    assert not default_storage.exists(old)


def test_a_removed_picture_is_deleted_from_storage(
    client, mina, django_capture_on_commit_callbacks
):
    edit(client, avatar=image_upload())
    mina.refresh_from_db()
    old = mina.avatar.name
    assert 'name="remove_avatar"' in client.get("/accounts/profile/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, remove_avatar="on")
    mina.refresh_from_db()
    assert not mina.avatar
    assert not default_storage.exists(old)


def test_saving_without_a_new_picture_keeps_the_old_one(
    client, mina, django_capture_on_commit_callbacks
):
    edit(client, avatar=image_upload())
    mina.refresh_from_db()
    old = mina.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, bio="Changed only this.")
    mina.refresh_from_db()
    assert mina.avatar.name == old
    assert default_storage.exists(old)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (image_upload(fmt="GIF", name="dancing.gif"), "Upload a JPEG, PNG or WebP image."),
        (SimpleUploadedFile("virus.png", b"MZ not a picture"), "Upload a JPEG, PNG or WebP image."),
        (
            SimpleUploadedFile("huge.png", image_upload().read() + b"\0" * (5 * 1024 * 1024)),
            "Images can be at most 5 MB.",
        ),
        (image_upload(mode="1", size=(8000, 5001)), "Images can be at most 40 megapixels."),
    ],
    ids=["gif", "not-an-image", "over-5-mb", "over-40-megapixels"],
)
def test_a_bad_picture_is_refused_next_to_the_field_keeping_what_was_typed(
    client, mina, upload, message
):
    response = edit(client, display_name="Typed Name", bio="Typed bio.", avatar=upload)
    assert response.status_code == 200
    assert field_error(response, "avatar").startswith(message)
    html = response.content.decode()
    assert 'value="Typed Name"' in html
    assert "Typed bio.</textarea>" in html
    mina.refresh_from_db()
    assert (mina.display_name, mina.bio, mina.avatar.name) == ("Mina", "I like long films.", "")


def test_a_bio_over_2000_characters_is_refused(client, mina):
    response = edit(client, bio="x" * 2001)
    assert response.status_code == 200
    assert "at most 2000 characters" in field_error(response, "bio")
    assert "x" * 2001 in response.content.decode()


def test_line_breaks_count_as_one_character_in_the_bio(client, mina):
    bio = "x" * 1000 + "\r\n" + "y" * 999  # 2,000 characters as the textarea counts them
    assert edit(client, bio=bio).status_code == 302
    mina.refresh_from_db()
    assert mina.bio == "x" * 1000 + "\n" + "y" * 999


def test_a_display_name_over_80_characters_is_refused(client, mina):
    response = edit(client, display_name="n" * 81)
    assert "at most 80 characters" in field_error(response, "display_name")


def test_a_member_edits_only_their_own_profile(client, mina):
    other = MemberFactory(username="lena", display_name="Lena")
    edit(client, display_name="Hijacked", username="lena", pk=other.pk)
    other.refresh_from_db()
    assert other.display_name == "Lena"


def test_profile_edit_refuses_a_post_without_a_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert edit(client, display_name="No token").status_code == 403
    member.refresh_from_db()
    assert member.display_name == ""


def test_a_deleted_members_picture_is_deleted_from_storage(
    client, mina, django_capture_on_commit_callbacks
):
    edit(client, avatar=image_upload())
    mina.refresh_from_db()
    picture = mina.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        delete_members(users=[mina])
    assert not default_storage.exists(picture)

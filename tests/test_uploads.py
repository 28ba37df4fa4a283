"""Every picture the site takes (posters, film photos, people's and critics' photos, news images
in the admin; members' avatars) is refused with a clear form error when it is too big, not a
JPEG, PNG or WebP, a decompression bomb or damaged, and is otherwise stored as a WebP we wrote
ourselves, under a random name, without metadata or anything hidden after the picture."""

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from PIL import ExifTags, Image

from accounts.images import (
    ACCEPT,
    DAMAGED,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    WRONG_TYPE,
    PictureField,
)
from films.models import Person, Photo
from tests.accounts.helpers import image_upload
from tests.admin_helpers import change_form_data
from tests.factories import (
    ArticleFactory,
    CriticFactory,
    FilmFactory,
    MemberFactory,
    PersonFactory,
    PhotoFactory,
)

pytestmark = pytest.mark.django_db

FIVE_MB = 5 * 1024 * 1024


# The upload points: how each one is sent, where its file lands and which page shows it.


def admin_change(client: Client, obj: Model, field: str, upload) -> object:
    """Save `obj`'s admin change form as it stands, with `upload` in `field`."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = change_form_data(client.get(url))
    return client.post(url, {**data, field: upload})


def film_photo_inline(client: Client, film: Model, upload) -> object:
    """Save the film's change form with a new photo in its Photo inline."""
    url = reverse("admin:films_film_change", args=[film.pk])
    page = client.get(url)
    data = change_form_data(page)
    (formset,) = [
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Photo
    ]
    new = len(formset.initial_forms)
    data[f"{formset.prefix}-TOTAL_FORMS"] = str(new + 1)
    data[f"{formset.prefix}-{new}-image"] = upload
    data[f"{formset.prefix}-{new}-alt_text"] = "A still from the film"
    data[f"{formset.prefix}-{new}-order"] = "0"
    return client.post(url, data)


def profile_edit(client: Client, member: Model, upload) -> object:
    data = {"display_name": "Mina", "bio": "Documentaries, mostly.", "avatar": upload}
    return client.post(reverse("accounts:profile_edit"), data)


@dataclass(frozen=True)
class UploadPoint:
    make: Callable[[], Model]
    send: Callable[[Client, Model, object], object]
    stored: Callable[[Model], FieldFile]
    page: Callable[[Model], str]
    folder: str
    # What a 2000 x 1500 picture is stored as.
    stored_size: tuple[int, int]
    # Who uploads: an editor, the member themselves ("self"), or a superuser ("admin_user").
    uploader: str = "editor"


def field(name: str) -> Callable[[Model], FieldFile]:
    def stored(obj: Model) -> FieldFile:
        obj.refresh_from_db()
        return getattr(obj, name)

    return stored


def in_admin(name: str) -> Callable[[Client, Model, object], object]:
    return lambda client, obj, upload: admin_change(client, obj, name, upload)


def absolute_url(obj: Model) -> str:
    return obj.get_absolute_url()


def newest_photo(film: Model) -> FieldFile:
    photo = Photo.objects.filter(film=film).order_by("-pk").first()
    return photo.image if photo else FieldFile(None, Photo._meta.get_field("image"), "")


POINTS = {
    "poster": UploadPoint(
        make=FilmFactory,
        send=in_admin("poster"),
        stored=field("poster"),
        page=absolute_url,
        folder="posters/",
        stored_size=(800, 600),
    ),
    "film-photo-inline": UploadPoint(
        make=FilmFactory,
        send=film_photo_inline,
        stored=newest_photo,
        page=lambda film: reverse("films:photos", args=[film.slug]),
        folder="photos/",
        stored_size=(1600, 1200),
    ),
    "photo": UploadPoint(
        make=PhotoFactory,
        send=in_admin("image"),
        stored=field("image"),
        page=lambda photo: reverse("films:photos", args=[photo.film.slug]),
        folder="photos/",
        stored_size=(1600, 1200),
    ),
    "person": UploadPoint(
        make=PersonFactory,
        send=in_admin("photo"),
        stored=field("photo"),
        page=absolute_url,
        folder="people/",
        stored_size=(480, 480),
    ),
    "critic": UploadPoint(
        make=CriticFactory,
        send=in_admin("photo"),
        stored=field("photo"),
        page=absolute_url,
        folder="critics/",
        stored_size=(480, 480),
    ),
    "article": UploadPoint(
        make=ArticleFactory,
        send=in_admin("image"),
        stored=field("image"),
        page=absolute_url,
        folder="news/",
        stored_size=(1600, 1200),
    ),
    "avatar": UploadPoint(
        make=MemberFactory,
        send=profile_edit,
        stored=field("avatar"),
        page=lambda member: reverse("accounts:profile", args=[member.username]),
        folder="avatars/",
        stored_size=(256, 256),
        uploader="self",
    ),
    "avatar-in-admin": UploadPoint(
        make=MemberFactory,
        send=in_admin("avatar"),
        stored=field("avatar"),
        page=lambda member: reverse("accounts:profile", args=[member.username]),
        folder="avatars/",
        stored_size=(256, 256),
        uploader="admin_user",
    ),
}


@pytest.fixture(params=POINTS.values(), ids=POINTS.keys())
def point(request) -> UploadPoint:
    return request.param


@pytest.fixture
def target(request, point, client):
    """The object the point uploads to, with the client logged in as who uploads there."""
    obj = point.make()
    client.force_login(obj if point.uploader == "self" else request.getfixturevalue(point.uploader))
    return obj


def form_errors(response) -> list[str]:
    """Every error the returned form shows: the admin's form and inlines, or the member's form."""
    if "adminform" in response.context:
        return [message for errors in response.context["errors"] for message in errors]
    return [message for errors in response.context["form"].errors.values() for message in errors]


def media_files() -> list[Path]:
    """Files written to the media folder: a refused upload leaves none behind."""
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# What is sent.


def png_bytes(size=(300, 200), mode="RGB") -> bytes:
    return image_upload(size=size, mode=mode).read()


def jpeg_bytes(size=(400, 400), **options) -> bytes:
    return image_upload(fmt="JPEG", name="picture.jpg", size=size, **options).read()


def oversize() -> SimpleUploadedFile:
    # A picture Pillow reads, padded to one byte over the limit: refused for its size alone.
    picture = png_bytes()
    return SimpleUploadedFile("big.png", picture + b"\0" * (FIVE_MB + 1 - len(picture)))


def svg_with_script() -> SimpleUploadedFile:
    content = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )
    return SimpleUploadedFile("poster.svg", content, content_type="image/svg+xml")


def bomb_header() -> SimpleUploadedFile:
    # A tiny PNG whose header claims 20,000 x 20,000 (400 megapixels), CRC fixed to match.
    content = bytearray(png_bytes(size=(10, 10)))
    content[16:24] = (20000).to_bytes(4, "big") * 2
    content[29:33] = zlib.crc32(bytes(content[12:29])).to_bytes(4, "big")
    return SimpleUploadedFile("bomb.png", bytes(content), content_type="image/png")


def over_40_megapixels() -> SimpleUploadedFile:
    # Under Pillow's own bomb limit, over ours; a few KB compressed.
    return image_upload(mode="1", size=(8000, 5001), name="huge.png")


def truncated_jpeg() -> SimpleUploadedFile:
    content = jpeg_bytes()
    return SimpleUploadedFile("cut.jpg", content[: len(content) // 2], content_type="image/jpeg")


def html_named_jpg() -> SimpleUploadedFile:
    content = b"<html><script>alert(1)</script></html>"
    return SimpleUploadedFile("poster.jpg", content, content_type="image/jpeg")


def gif_with_html() -> SimpleUploadedFile:
    gif = image_upload(fmt="GIF", name="x.gif", size=(10, 10)).read()
    content = gif + b"<html><script>alert(1)</script></html>"
    return SimpleUploadedFile("poster.jpg", content, content_type="image/jpeg")


REFUSED = {
    "over-5-mb": (oversize, TOO_LARGE),
    "svg-with-script": (svg_with_script, WRONG_TYPE),
    "decompression-bomb": (bomb_header, TOO_MANY_PIXELS),
    "over-40-megapixels": (over_40_megapixels, TOO_MANY_PIXELS),
    "truncated-jpeg": (truncated_jpeg, DAMAGED),
    "html-named-jpg": (html_named_jpg, WRONG_TYPE),
    "gif-html-polyglot": (gif_with_html, WRONG_TYPE),
}


@pytest.mark.parametrize(("make_upload", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_file_gets_a_clear_form_error_and_nothing_is_stored(
    client, point, target, make_upload, message
):
    upload = make_upload()
    files_before, name_before = media_files(), point.stored(target).name
    response = point.send(client, target, upload)
    assert response.status_code == 200  # the form again, not a redirect or a server error
    assert form_errors(response) == [message]
    assert message in response.content.decode()
    assert point.stored(target).name == name_before
    assert media_files() == files_before


def test_an_oversize_file_is_refused_by_its_size_without_being_decoded(
    client, point, target, monkeypatch
):
    def must_not_open(*args, **kwargs):
        raise AssertionError("an oversize upload was opened")

    monkeypatch.setattr("accounts.images.Image.open", must_not_open)
    response = point.send(client, target, oversize())
    assert response.status_code == 200
    assert form_errors(response) == [TOO_LARGE]


@pytest.mark.parametrize("make_upload", [bomb_header, over_40_megapixels], ids=["bomb", "40mp"])
def test_too_many_pixels_are_refused_from_the_header_without_decoding_them(
    client, point, target, make_upload, monkeypatch
):
    """Which is what keeps the refusal fast: no pixel of a bomb is ever decoded."""

    def must_not_decode(*args, **kwargs):
        raise AssertionError("the pixels of a picture over the limit were decoded")

    upload = make_upload()
    monkeypatch.setattr(Image.Image, "load", must_not_decode)
    response = point.send(client, target, upload)
    assert response.status_code == 200
    assert form_errors(response) == [TOO_MANY_PIXELS]


def test_a_picture_of_exactly_5_mb_is_accepted(client, point, target):
    picture = png_bytes()
    upload = SimpleUploadedFile("padded.png", picture + b"\0" * (FIVE_MB - len(picture)))
    response = point.send(client, target, upload)
    assert response.status_code == 302, form_errors(response)
    assert point.stored(target).name.endswith(".webp")


def exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam Industries"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    return exif.tobytes()


def stored_picture(stored: FieldFile) -> tuple[bytes, Image.Image]:
    with stored.open("rb") as file:
        content = file.read()
    return content, Image.open(BytesIO(content))


def test_a_good_photo_is_stored_as_webp_under_a_random_name_without_its_exif(client, point, target):
    upload = image_upload(
        "Holiday at home.jpg", fmt="JPEG", size=(2000, 1500), exif=exif_with_gps()
    )
    assert Image.open(BytesIO(upload.read())).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    upload.seek(0)

    response = point.send(client, target, upload)

    assert response.status_code == 302, form_errors(response)
    stored = point.stored(target)
    assert re.fullmatch(rf"{point.folder}[0-9a-f]{{32}}\.webp", stored.name), stored.name
    content, image = stored_picture(stored)
    assert image.format == "WEBP"
    assert image.size == point.stored_size
    assert "exif" not in image.info
    assert not image.getexif()
    assert b"SpyCam" not in content
    # The pages that show the picture still do, from its new file.
    client.logout()
    page = client.get(point.page(target))
    assert page.status_code == 200
    assert stored.url in page.content.decode()


POLYGLOTS = {
    "png-then-html": lambda: png_bytes(),
    "jpeg-then-html": lambda: jpeg_bytes(),
}


@pytest.mark.parametrize("picture", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_html_hidden_after_a_real_picture_is_dropped_by_the_re_encoding(
    client, point, target, picture
):
    payload = b"<html><body><script>alert(1)</script></body></html>"
    upload = SimpleUploadedFile("poster.jpg", picture() + payload, content_type="image/jpeg")
    response = point.send(client, target, upload)
    assert response.status_code == 302, form_errors(response)
    content, image = stored_picture(point.stored(target))
    assert image.format == "WEBP"
    assert b"<script" not in content
    assert b"<html" not in content


def test_an_editor_adds_a_person_with_a_photo_from_the_add_form(client, editor):
    client.force_login(editor)
    upload = image_upload("face.jpg", fmt="JPEG", size=(600, 900))
    response = client.post(
        reverse("admin:films_person_add"),
        {"name": "Ada Lovelace", "slug": "ada-lovelace", "photo": upload, "_save": "Save"},
    )
    assert response.status_code == 302, form_errors(response)
    person = Person.objects.get(slug="ada-lovelace")
    assert re.fullmatch(r"people/[0-9a-f]{32}\.webp", person.photo.name)
    assert stored_picture(person.photo)[1].size == (480, 480)


def test_an_add_form_shows_the_error_and_adds_nothing(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:films_person_add"),
        {"name": "Ada Lovelace", "slug": "ada-lovelace", "photo": svg_with_script()},
    )
    assert response.status_code == 200
    assert form_errors(response) == [WRONG_TYPE]
    assert not Person.objects.exists()


def test_every_image_field_in_the_admin_goes_through_the_picture_checks(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    checked = []
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin] + [inline(model, admin.site) for inline in model_admin.inlines]
        for each in admins:
            for db_field in each.model._meta.get_fields():
                if isinstance(db_field, models.FileField):
                    formfield = each.formfield_for_dbfield(db_field, request)
                    assert isinstance(formfield, PictureField), (each, db_field.name)
                    assert formfield.widget.attrs["accept"] == ACCEPT
                    checked.append(f"{each.model._meta.label}.{db_field.name}")
    assert sorted(set(checked)) == [
        "accounts.User.avatar",
        "films.Film.poster",
        "films.Person.photo",
        "films.Photo.image",
        "news.Article.image",
        "reviews.Critic.photo",
    ]

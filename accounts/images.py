"""Uploaded pictures: checked against the site's limits and re-encoded before they are stored.

Re-encoding means a stored file is always a picture we wrote ourselves: no metadata (camera,
GPS position), no trailing payload, no format a browser might sniff as something else, under a
random name. Every picture the site takes comes through here, by `PictureField`: members'
avatars, and in the admin (`picture_uploads`) posters, film photos, people's and critics'
photos and news images. It lives in `accounts`, the app every other one builds on.
"""

import warnings
from io import BytesIO
from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow opens only these formats: a GIF, TIFF, SVG or anything else is refused before parsing.
ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]
# Phones save JPEGs with a second, hidden picture in them; Pillow calls those MPO.
JPEG_VARIANTS = {"MPO"}
WEBP_QUALITY = 85

WRONG_TYPE = "Upload a JPEG, PNG or WebP image."
TOO_LARGE = "Images can be at most 5 MB."
TOO_MANY_PIXELS = "Images can be at most 40 megapixels. Make it smaller and try again."
DAMAGED = "That image could not be read; it may be damaged. Upload a JPEG, PNG or WebP image."
# What a file input offers to choose; the content decides what is accepted.
ACCEPT = "image/jpeg,image/png,image/webp"

# The largest each kind of picture is stored (it is only ever made smaller): about three times
# the size the pages show it, for sharp screens; a film's photos also open full size. Posters
# and stills keep their proportions; people are shown in squares, so their photos become one.
POSTER_SIZE = (800, 1200)
STILL_SIZE = (1600, 1200)  # a film's photos and news images: landscape, 1600 wide
HEADSHOT_SIZE = (480, 480)


def reencode_image(upload: File, *, size: tuple[int, int], crop: bool = False) -> ContentFile:
    """Check an uploaded image against the limits and re-encode it as WebP, at most `size`.

    With `crop` the picture is first cut to `size`'s proportions around its centre. Pictures are
    only ever made smaller. Raises ValidationError with a message for the member.
    """
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="file_too_large")
    upload.seek(0)
    try:
        # A picture whose header claims a huge size is refused before its pixels are decoded
        # (a "decompression bomb"): Pillow warns above its own limit, which is above ours.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels") from error
    except (OSError, ValueError, SyntaxError) as error:  # UnidentifiedImageError is an OSError
        raise ValidationError(WRONG_TYPE, code="wrong_type") from error

    with image:
        if image.format not in ACCEPTED_FORMATS and image.format not in JPEG_VARIANTS:
            raise ValidationError(WRONG_TYPE, code="wrong_type")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(TOO_MANY_PIXELS, code="too_many_pixels")
        try:
            return ContentFile(_reencoded(image, size=size, crop=crop), name=f"{uuid4().hex}.webp")
        except (OSError, ValueError, SyntaxError) as error:  # truncated or corrupt pixel data
            raise ValidationError(DAMAGED, code="damaged") from error


class PictureField(forms.FileField):
    """An uploaded picture, checked and re-encoded by `reencode_image` to at most `size`
    (cut to its proportions with `crop`): its cleaned value is the new WebP file.

    A FileField rather than Django's ImageField, whose own check opens the file with every
    format Pillow knows and answers a decompression bomb with a vague message.
    """

    def __init__(self, *, size: tuple[int, int], crop: bool = False, **kwargs) -> None:
        self.size, self.crop = size, crop
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return reencode_image(upload, size=self.size, crop=self.crop)

    def widget_attrs(self, widget) -> dict:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs


def picture_uploads(size: tuple[int, int], *, crop: bool = False) -> dict:
    """`formfield_overrides` for an admin whose image fields take pictures of at most `size`."""
    return {models.ImageField: {"form_class": PictureField, "size": size, "crop": crop}}


def _reencoded(image: Image.Image, *, size: tuple[int, int], crop: bool) -> bytes:
    # A large JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers the target:
    # far less memory and time for a 40-megapixel camera picture. The square covers either
    # orientation, as the picture may be turned a quarter below.
    side = max(size)
    image.draft(None, (side, side))
    # Any other big picture is halved, quartered... at once, while both sides stay at least
    # twice the target: the full-size copies below would otherwise cost hundreds of MB.
    factor = min(image.width // (2 * side), image.height // (2 * side))
    if factor > 1 and image.mode not in ("P", "PA", "1"):  # reduce() has no palette support
        image = image.reduce(factor)
    # Turn the picture as the camera meant it before its EXIF (orientation included) is dropped.
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    if crop:
        image = image.crop(_centre_box(image.size, size))
    image.thumbnail(size, Image.Resampling.LANCZOS)
    out = BytesIO()
    # WebP: every current browser shows it, it keeps transparency (unlike JPEG) and is a
    # fraction of PNG's size. No exif= or icc_profile= is passed, so no metadata is written.
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=6)
    return out.getvalue()


def _centre_box(actual: tuple[int, int], wanted: tuple[int, int]) -> tuple[int, int, int, int]:
    """The largest box with `wanted`'s proportions centred in a picture of `actual` size."""
    width, height = actual
    wanted_width, wanted_height = wanted
    if width * wanted_height > height * wanted_width:  # wider than wanted: trim the sides
        box_width, box_height = max(1, height * wanted_width // wanted_height), height
    else:  # taller than wanted: trim top and bottom
        box_width, box_height = width, max(1, width * wanted_height // wanted_width)
    left, top = (width - box_width) // 2, (height - box_height) // 2
    return left, top, left + box_width, top + box_height

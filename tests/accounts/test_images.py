"""Uploaded pictures are checked against the limits and re-encoded as small WebP files."""

import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.images import reencode_image
from tests.accounts.helpers import image_upload


def opened(content) -> Image.Image:
    return Image.open(BytesIO(content.read()))


def test_a_picture_is_cropped_to_a_centred_square_and_made_smaller_as_webp():
    upload = image_upload(size=(900, 600), fmt="JPEG", name="holiday.jpg")
    result = reencode_image(upload, size=(256, 256), crop=True)
    assert result.name.endswith(".webp")
    assert "holiday" not in result.name
    image = opened(result)
    assert image.format == "WEBP"
    assert image.size == (256, 256)


def test_small_pictures_are_cropped_but_never_enlarged():
    image = opened(reencode_image(image_upload(size=(120, 80)), size=(256, 256), crop=True))
    assert image.size == (80, 80)


def test_without_crop_a_picture_keeps_its_proportions():
    image = opened(reencode_image(image_upload(size=(1200, 600)), size=(400, 400)))
    assert image.size == (400, 200)


def test_metadata_is_stripped():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Industries"  # Make
    upload = image_upload(fmt="JPEG", name="photo.jpg", exif=exif.tobytes())
    content = reencode_image(upload, size=(256, 256), crop=True).read()
    assert b"SpyCam" not in content
    image = Image.open(BytesIO(content))
    assert "exif" not in image.info
    assert not image.getexif()


def test_the_camera_orientation_is_applied_before_metadata_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn a quarter clockwise to view
    upload = image_upload(size=(300, 200), fmt="JPEG", name="phone.jpg", exif=exif.tobytes())
    image = opened(reencode_image(upload, size=(1000, 1000)))
    assert image.size == (200, 300)


def test_transparency_is_kept():
    upload = image_upload(mode="RGBA", color=(0, 128, 128, 0))
    image = opened(reencode_image(upload, size=(256, 256), crop=True))
    assert image.mode == "RGBA"
    assert image.getpixel((10, 10))[3] == 0


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted(fmt):
    upload = image_upload(fmt=fmt, name=f"picture.{fmt.lower()}")
    assert opened(reencode_image(upload, size=(256, 256), crop=True)).format == "WEBP"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (image_upload(fmt="GIF", name="animated.gif"), "Upload a JPEG, PNG or WebP image."),
        (image_upload(fmt="BMP", name="old.bmp"), "Upload a JPEG, PNG or WebP image."),
        (SimpleUploadedFile("notes.png", b"just some text"), "Upload a JPEG, PNG or WebP image."),
        (SimpleUploadedFile("empty.png", b""), "Upload a JPEG, PNG or WebP image."),
        (image_upload(mode="1", size=(8000, 5001)), "Images can be at most 40 megapixels."),
    ],
    ids=["gif", "bmp", "text", "empty", "too-many-pixels"],
)
def test_other_files_are_refused_with_a_message(upload, message):
    with pytest.raises(ValidationError) as refused:
        reencode_image(upload, size=(256, 256), crop=True)
    assert refused.value.messages[0].startswith(message)


def test_files_over_five_megabytes_are_refused_before_being_read():
    picture = image_upload().read()
    upload = SimpleUploadedFile("big.png", picture + b"\0" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        reencode_image(upload, size=(256, 256), crop=True)
    assert refused.value.messages == ["Images can be at most 5 MB."]


def test_a_header_claiming_a_huge_picture_is_refused_without_decoding_it():
    # 20,000 x 20,000 in the header: Pillow's own bomb limit is passed before ours is checked.
    content = bytearray(image_upload(size=(10, 10)).read())
    content[16:24] = (20000).to_bytes(4, "big") * 2
    content[29:33] = zlib.crc32(bytes(content[12:29])).to_bytes(4, "big")
    with pytest.raises(ValidationError) as refused:
        reencode_image(SimpleUploadedFile("bomb.png", bytes(content)), size=(256, 256))
    assert refused.value.messages[0].startswith("Images can be at most 40 megapixels.")


def test_a_truncated_picture_is_refused_as_damaged():
    content = image_upload(fmt="JPEG", name="cut.jpg", size=(400, 400)).read()
    with pytest.raises(ValidationError) as refused:
        reencode_image(SimpleUploadedFile("cut.jpg", content[: len(content) // 2]), size=(256, 256))
    assert "could not be read" in refused.value.messages[0]

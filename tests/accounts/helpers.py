"""What the account tests read off pages and send as uploads."""

import html
import re
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

PASSWORD = "correct horse battery staple"  # MemberFactory's


def field_error(response, field: str) -> str:
    """The error shown under a form field (as crispy-forms renders it), or "" if none."""
    match = re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    if not match:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def logged_in_pk(client: Client) -> int | None:
    """The pk of the member the client's session is logged in as."""
    pk = client.session.get("_auth_user_id")
    return int(pk) if pk else None


def image_upload(
    name: str = "picture.png",
    *,
    fmt: str = "PNG",
    size: tuple[int, int] = (300, 200),
    mode: str = "RGB",
    color: str | int | tuple = "teal",
    **save_options,
) -> SimpleUploadedFile:
    """An uploaded picture made on the spot."""
    buffer = BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save_options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")

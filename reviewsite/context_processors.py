from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name, for the header, page titles and feeds."""
    return {"SITE_NAME": settings.SITE_NAME}

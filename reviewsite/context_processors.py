from django.conf import settings
from django.http import HttpRequest

# Pages about one film belong to "Films" in the navigation, whichever app serves them.
FILM_PAGES = {"film_critic_reviews", "film_audience_reviews", "film_discussion"}
SECTIONS = {"films": "films", "reviews": "critics", "forums": "forums", "news": "news"}


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name, for the header, page titles and feeds, and the navigation's section."""
    match = getattr(request, "resolver_match", None)
    section = ""
    if match:
        section = "films" if match.url_name in FILM_PAGES else SECTIONS.get(match.namespace, "")
    return {"SITE_NAME": settings.SITE_NAME, "nav_section": section}

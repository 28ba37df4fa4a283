from django.conf import settings
from django.http import HttpRequest

SECTIONS = {"films": "films", "forums": "forums", "news": "news"}
# The reviews app serves the critics' pages; its other pages (a film's reviews, the review
# form, one review) are about a film, as is a film's discussion in the forums and the page
# that starts a thread in it.
CRITIC_PAGES = {"critic_list", "critic", "publication"}
FILM_DISCUSSION = {"film_discussion", "film_thread_new"}


def site(request: HttpRequest) -> dict[str, str]:
    """The site's name, for the header, page titles and feeds, and the navigation's section."""
    match = getattr(request, "resolver_match", None)
    section = ""
    if match and match.namespace == "reviews":
        section = "critics" if match.url_name in CRITIC_PAGES else "films"
    elif match:
        section = (
            "films" if match.url_name in FILM_DISCUSSION else SECTIONS.get(match.namespace, "")
        )
    return {"SITE_NAME": settings.SITE_NAME, "nav_section": section}

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path

from films.sitemaps import FilmSitemap, PersonSitemap, StaticViewSitemap
from films.views import home
from forums.sitemaps import BoardSitemap, ThreadSitemap
from news.sitemaps import ArticleSitemap
from reviews.sitemaps import CriticSitemap, PublicationSitemap

from .views import healthz, ping, robots_txt

handler500 = "reviewsite.views.server_error"

# The sections of the sitemap index, each at /sitemap-<section>.xml.
SITEMAPS = {
    "pages": StaticViewSitemap,
    "films": FilmSitemap,
    "people": PersonSitemap,
    "critics": CriticSitemap,
    "publications": PublicationSitemap,
    "news": ArticleSitemap,
    "boards": BoardSitemap,
    "threads": ThreadSitemap,
}

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        sitemaps_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        sitemaps_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("", include("films.urls")),
    path("", include("reviews.urls")),
    path("", include("forums.urls")),
    path("", include("news.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from films.views import home

from .views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("films.urls")),
    path("", include("reviews.urls")),
    path("", include("forums.urls")),
    path("news/", include("news.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = settings.SITE_NAME

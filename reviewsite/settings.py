"""Settings for the Marquee review site: one file, driven by the environment.

Every setting that differs between development, tests and production is read from an
environment variable (see `.env.example`).
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-development-only-key")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)

SITE_NAME = env.str("SITE_NAME", default="Marquee")

# Behind a proxy that ends TLS: the origins forms are posted from, and the header it sets.
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Django's defaults, stated: pages sniffed as nothing else, referrers only within the site, no
# window opened from another site can reach ours, and no site may frame ours (also the CSP's
# frame-ancestors below).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Its templates only: without the sites framework, sitemaps take the host from the request.
    "django.contrib.sitemaps",
    # Search's trigram lookups; harmless on SQLite, where search is a substring match.
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "import_export",
    "reviewsite",
    "accounts",
    "films",
    "reviews",
    "forums",
    "news",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "reviewsite.middleware.PrivatePagesMiddleware",
    "reviewsite.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "films.middleware.FilmRedirectMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reviewsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reviewsite.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "reviewsite.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# A read replica (PostgreSQL streaming replication): visitors' reads go there, members' reads
# and every write to the primary (reviewsite/replicas.py). Tests use the primary for both.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["reviewsite.replicas.PrimaryReplicaRouter"]
for database in DATABASES.values():
    # Persistent connections (seconds; 0 closes each after its request), checked before reuse.
    database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer (a network fault, not a refusal) fails a request in
        # seconds instead of holding a worker until gunicorn's timeout.
        database.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username or address is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins: after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is refused (HTTP 429, with our page) until AXES_COOLOFF_HOURS pass or a login succeeds.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "accounts.limits.client_ip"
AXES_USERNAME_CALLABLE = "accounts.limits.login_username"
# How many proxies of ours add themselves to X-Forwarded-For in front of the site (0: none, the
# peer address is the client's). Login throttling and rate limits count by the client's address.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

# Mail (password reset): printed to the console unless EMAIL_URL names an SMTP server,
# e.g. smtp+tls://user:password@smtp.example.com:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds; a hung server must not hang us
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day

# Abuse limits: how many of each action a member (or, signed out, an address) may take in
# RATE_LIMIT_WINDOW seconds. More get the friendly "slow down" page, HTTP 429.
RATE_LIMIT_WINDOW = env.int("RATE_LIMIT_WINDOW", default=60 * 60)
RATE_LIMITS = {
    "review": env.int("RATE_LIMIT_REVIEWS", default=10),
    "vote": env.int("RATE_LIMIT_VOTES", default=100),
    "report": env.int("RATE_LIMIT_REPORTS", default=20),
    "signup": env.int("RATE_LIMIT_SIGNUPS", default=10),
    "password_reset": env.int("RATE_LIMIT_PASSWORD_RESETS", default=5),
    "password_change": env.int("RATE_LIMIT_PASSWORD_CHANGES", default=10),
    "profile": env.int("RATE_LIMIT_PROFILE_EDITS", default=30),
    "post": env.int("RATE_LIMIT_FORUM_POSTS", default=100),
}
# Flood control: a member waits this many seconds between two forum posts.
FORUM_FLOOD_SECONDS = env.int("FORUM_FLOOD_SECONDS", default=3)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "marquee",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Visitors' film, home and browse pages come from the cache for this long at most, and only
# until the next write (reviewsite/pagecache.py). It needs a cache every server process shares,
# so it is off (0) by default without Redis.
PAGE_CACHE_SECONDS = env.int(
    "PAGE_CACHE_SECONDS", default=600 if env.str("REDIS_URL", default="") else 0
)
# The parts of the film page that are the same for everyone, for members and pages not kept
# whole, on the same terms (`pagecache.fragments`); "no_fragments" keeps nothing.
FRAGMENT_CACHE_SECONDS = env.int(
    "FRAGMENT_CACHE_SECONDS", default=600 if env.str("REDIS_URL", default="") else 0
)
CACHES["fragments"] = {**CACHES["default"], "KEY_PREFIX": "marquee-fragment"}
if CACHES["fragments"]["BACKEND"].startswith("django_redis."):
    # A fragment Redis cannot give or keep is rendered: the page never fails for it.
    CACHES["fragments"]["OPTIONS"] = {"IGNORE_EXCEPTIONS": True}
CACHES["no_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Uploads live in MEDIA_ROOT, or in S3-compatible object storage (AWS S3, MinIO, R2, ...) when
# S3_BUCKET is set, so that app servers keep no files of their own. S3 needs the project's "s3"
# extra (django-storages with boto3); credentials come from boto3's usual sources
# (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role).
if env.str("S3_BUCKET", default=""):
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            # Public files (posters, photos, avatars) at plain addresses, e.g. through a CDN.
            "custom_domain": env.str("S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Content-Security-Policy: scripts, styles, fonts and frames from the site itself only. The site
# has no inline script (JSON-LD is data, not run) and no style or on* attribute, so neither
# 'unsafe-inline' nor 'unsafe-eval' is needed, nor nonces (which would defeat the page cache).
# Pictures may also be data: URLs (Bootstrap's icons in its CSS) and come from object storage.
MEDIA_ORIGINS = env.list("DJANGO_MEDIA_ORIGINS", default=[])
if env.str("S3_BUCKET", default=""):
    for origin in (env.str("S3_CUSTOM_DOMAIN", default=""), env.str("S3_ENDPOINT_URL", default="")):
        if origin:
            MEDIA_ORIGINS.append(origin if "://" in origin else f"https://{origin}")
    if not MEDIA_ORIGINS:  # AWS's own address for the bucket
        region = env.str("S3_REGION", default="")
        MEDIA_ORIGINS.append(
            f"https://{env.str('S3_BUCKET')}.s3{f'.{region}' if region else ''}.amazonaws.com"
        )
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    }
}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The admin's CSV import and export (reviewsite/admin.py): an import runs in one transaction, and
# a preview (a dry run, rolled back) shows every row's errors first; seeing rows allows export.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# An upload waits for the editor's confirmation in the media storage, which every app server
# shares, rather than in one server's temporary folder.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"

# Scores: the rules of PRODUCT.md "Scores: the rules", every threshold a setting.
SCORES_MIN_CRITIC_REVIEWS = env.int("SCORES_MIN_CRITIC_REVIEWS", default=5)
SCORES_FRESH_THRESHOLD = env.int("SCORES_FRESH_THRESHOLD", default=60)
SCORES_ACCLAIMED_THRESHOLD = env.int("SCORES_ACCLAIMED_THRESHOLD", default=75)
SCORES_ACCLAIMED_KEEP_THRESHOLD = env.int("SCORES_ACCLAIMED_KEEP_THRESHOLD", default=70)
SCORES_ACCLAIMED_MIN_REVIEWS_WIDE = env.int("SCORES_ACCLAIMED_MIN_REVIEWS_WIDE", default=80)
SCORES_ACCLAIMED_MIN_REVIEWS = env.int("SCORES_ACCLAIMED_MIN_REVIEWS", default=40)
SCORES_ACCLAIMED_MIN_TOP_CRITIC_REVIEWS = env.int(
    "SCORES_ACCLAIMED_MIN_TOP_CRITIC_REVIEWS", default=5
)
SCORES_MIN_AUDIENCE_RATINGS = env.int("SCORES_MIN_AUDIENCE_RATINGS", default=20)
SCORES_AUDIENCE_LIKED_STARS = env.float("SCORES_AUDIENCE_LIKED_STARS", default=3.5)
SCORES_AUDIENCE_LIKED_THRESHOLD = env.int("SCORES_AUDIENCE_LIKED_THRESHOLD", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

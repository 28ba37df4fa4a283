"""The one settings file, driven by the environment, as a fresh process reads it."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_with(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Run Python code with the settings loaded from exactly this environment (no .env)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))}
    clean.pop("DATABASE_URL", None)
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'reviewsite.settings');"
        "import environ; environ.Env.read_env = staticmethod(lambda *a, **k: None);"
        f"django.setup(); from django.conf import settings; {code}"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_debugging_a_secret_key_is_required():
    result = run_with({"DJANGO_DEBUG": "0"}, "print(settings.SECRET_KEY)")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debugging_has_a_development_key_and_local_hosts():
    result = run_with({"DJANGO_DEBUG": "1"}, "print(settings.DEBUG, settings.ALLOWED_HOSTS)")
    assert result.returncode == 0, result.stderr
    assert "True" in result.stdout
    assert "127.0.0.1" in result.stdout


def test_production_settings_come_from_the_environment():
    result = run_with(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "marquee.example,www.marquee.example",
            "DATABASE_URL": "postgres://u@db.internal:5432/marquee",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://marquee.example",
            "DJANGO_BEHIND_TLS_PROXY": "1",
        },
        "print(settings.ALLOWED_HOSTS, settings.DATABASES['default']['HOST'],"
        " settings.SESSION_COOKIE_SECURE, settings.CSRF_TRUSTED_ORIGINS,"
        " settings.SECURE_PROXY_SSL_HEADER, settings.STORAGES['staticfiles']['BACKEND'])",
    )
    assert result.returncode == 0, result.stderr
    for expected in [
        "www.marquee.example",
        "db.internal",
        "True",
        "https://marquee.example",
        "HTTP_X_FORWARDED_PROTO",
        "CompressedManifestStaticFilesStorage",
    ]:
        assert expected in result.stdout


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_redis_url_turns_on_the_redis_cache():
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("CI starts Redis; it does not answer on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    result = run_with(
        {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/15"},
        "from django.core.cache import cache; cache.set('marquee-check', 42, 5);"
        "print(settings.CACHES['default']['BACKEND'], cache.get('marquee-check'))",
    )
    assert result.returncode == 0, result.stderr
    assert "django_redis.cache.RedisCache 42" in result.stdout


def test_with_redis_the_fragment_cache_is_on_and_a_redis_outage_only_renders_parts_again():
    result = run_with(
        {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:1/0"},  # nothing listens there
        "from django.core.cache import caches;"
        "print(settings.FRAGMENT_CACHE_SECONDS, caches['fragments'].get('any'));"
        "caches['fragments'].set('any', 1)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["600", "None"]
    without = run_with({"DJANGO_DEBUG": "1"}, "print(settings.FRAGMENT_CACHE_SECONDS)")
    assert without.stdout.split() == ["0"]


def test_a_replica_url_adds_a_read_replica_with_the_primarys_connection_settings():
    result = run_with(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://u@primary.internal:5432/marquee",
            "DATABASE_REPLICA_URL": "postgres://u@replica.internal:5432/marquee",
            "DJANGO_CONN_MAX_AGE": "600",
        },
        "r = settings.DATABASES['replica']; print(r['HOST'], r['TEST'], r['CONN_MAX_AGE'],"
        " r['CONN_HEALTH_CHECKS'], settings.DATABASES['default']['CONN_MAX_AGE'],"
        " settings.DATABASE_ROUTERS)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["replica.internal", "{'MIRROR':"]
    assert "600 True 600 ['reviewsite.replicas.PrimaryReplicaRouter']" in result.stdout


def test_without_a_replica_url_there_is_one_database():
    result = run_with({"DJANGO_DEBUG": "1"}, "print(sorted(settings.DATABASES))")
    assert result.stdout.strip() == "['default']"


def test_an_s3_bucket_puts_uploads_in_object_storage():
    result = run_with(
        {
            "DJANGO_DEBUG": "1",
            "S3_BUCKET": "marquee-media",
            "S3_ENDPOINT_URL": "https://minio.internal:9000",
            "S3_CUSTOM_DOMAIN": "media.marquee.example",
        },
        "d = settings.STORAGES['default']; print(d['BACKEND']);"
        " print(sorted((k, v) for k, v in d['OPTIONS'].items() if v is not None))",
    )
    assert result.returncode == 0, result.stderr
    backend, options = result.stdout.splitlines()
    assert backend == "storages.backends.s3.S3Storage"
    assert "('bucket_name', 'marquee-media')" in options
    assert "('custom_domain', 'media.marquee.example')" in options
    assert "('endpoint_url', 'https://minio.internal:9000')" in options
    assert "('querystring_auth', False)" in options


def test_without_a_bucket_uploads_stay_in_media_root():
    result = run_with({"DJANGO_DEBUG": "1"}, "print(settings.STORAGES['default']['BACKEND'])")
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"


def test_the_visitors_page_cache_is_on_only_with_a_shared_cache():
    code = "print(settings.PAGE_CACHE_SECONDS)"
    assert run_with({"DJANGO_DEBUG": "1"}, code).stdout.strip() == "0"
    shared = run_with({"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/0"}, code)
    assert shared.stdout.strip() == "600"
    chosen = run_with({"DJANGO_DEBUG": "1", "PAGE_CACHE_SECONDS": "30"}, code)
    assert chosen.stdout.strip() == "30"


# What a deploy behind a TLS proxy sets (the README's "Deploying"): Django's deployment check
# passes with it, warnings included.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-key-" + "x7Q2m9Zr4t" * 5,
    "DJANGO_ALLOWED_HOSTS": "marquee.example",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
}
DEPLOY_CHECK = (
    "from django.core.management import call_command;"
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def test_the_deployment_check_passes_with_production_settings():
    result = run_with(PRODUCTION, DEPLOY_CHECK)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("left_out", "warning"),
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "security.W008"),
        ("DJANGO_SECURE_HSTS_SECONDS", "security.W004"),
    ],
)
def test_the_deployment_check_names_each_https_setting_left_out(left_out, warning):
    env = {name: value for name, value in PRODUCTION.items() if name != left_out}
    result = run_with(env, DEPLOY_CHECK)
    assert result.returncode != 0
    assert warning in result.stderr


def test_production_settings_redirect_http_and_send_hsts():
    code = (
        "from django.test import Client; c = Client(HTTP_HOST='marquee.example');"
        "r = c.get('/ping'); print(r.status_code, r['Location']);"
        "r = c.get('/ping', headers={'X-Forwarded-Proto': 'https'});"
        "print(r.status_code, r['Strict-Transport-Security'])"
    )
    result = run_with(PRODUCTION, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "301 https://marquee.example/ping",
        "200 max-age=31536000; includeSubDomains; preload",
    ]


@pytest.mark.parametrize(
    ("env", "sources"),
    [
        ({}, []),
        (
            {"S3_BUCKET": "m", "S3_CUSTOM_DOMAIN": "media.example.com"},
            ["https://media.example.com"],
        ),
        ({"S3_BUCKET": "m", "S3_ENDPOINT_URL": "https://r2.example"}, ["https://r2.example"]),
        ({"S3_BUCKET": "m", "S3_REGION": "eu-west-1"}, ["https://m.s3.eu-west-1.amazonaws.com"]),
        ({"DJANGO_MEDIA_ORIGINS": "https://cdn.example"}, ["https://cdn.example"]),
    ],
)
def test_the_policy_lets_pictures_come_from_where_uploads_are_served(env, sources):
    result = run_with(
        {"DJANGO_DEBUG": "1", **env},
        "print(*settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
    )
    assert result.stdout.split() == ["'self'", "data:", *sources], result.stderr


def test_a_postgresql_connection_attempt_gives_up_after_a_few_seconds():
    result = run_with(
        {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://postgres@db.internal:5432/marquee"},
        "print(settings.DATABASES['default']['OPTIONS']['connect_timeout'])",
    )
    assert result.stdout.strip() == "5", result.stderr

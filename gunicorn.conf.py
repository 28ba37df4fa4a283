"""gunicorn's settings for `make serve` and the page benchmark, each from the environment.

    gunicorn -c gunicorn.conf.py reviewsite.wsgi

Every setting has its environment variable and default below. gunicorn reads this file in its
master process before it loads the site, so nothing here imports Django.
"""

import os


def _int(name: str, default: int) -> int:
    """An integer from the environment; unset or blank means the default."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus() -> int:
    """The CPUs this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Where to listen: loopback unless told otherwise; a proxy in front (nginx, a load balancer)
# ends TLS.
bind = f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{_int('PORT', 8000)}"

# Processes: gunicorn's rule of thumb, two a CPU plus one, so that Python, which runs one thread
# of a process at a time, keeps every CPU busy. WEB_CONCURRENCY is the name hosting platforms set.
workers = _int("WEB_CONCURRENCY", 2 * _cpus() + 1)

# Threads a process. More than 1 runs the gthread worker: a second request runs while the first
# waits on the database, and a connection that is idle (keep-alive) or slow to send its request
# waits in the worker's poller, not in a thread; so it needs no buffering proxy in front. 1 runs
# the sync worker, one request at a time, which does. Each thread holds its own database
# connection (kept open DJANGO_CONN_MAX_AGE seconds): workers times threads in all.
threads = _int("GUNICORN_THREADS", 2)

# A worker silent this long (a request stuck that long) is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)

# On a restart or stop (SIGTERM, SIGHUP), the seconds workers get to finish their requests.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Seconds an idle keep-alive connection stays open (not on the sync worker, which closes each).
# Behind a load balancer that keeps connections open, make it longer than the balancer's idle
# timeout (e.g. 75 behind one of 60), so the balancer never sends on a connection being closed.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Replace a worker after this many requests (plus up to 10% jitter, so they do not all restart
# at once); 0, the default, never does: a leak should show (the page benchmark watches the
# workers' memory), not be hidden. A safety net to turn on if one ever does.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Load the site once in the master, then fork: workers start in a moment, share the loaded code's
# memory, and a site that cannot start fails at once rather than in a loop of worker restarts.
# The price: SIGHUP does not load new code, a restart does. Django opens no database connection
# while loading, so none is shared between processes.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# Workers' heartbeat files in memory: on a disk-backed /tmp a slow disk can stall a worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Access log off unless asked for (a path, or "-" for stderr): the proxy in front logs requests.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's control socket (gunicornc) sits at one path per user by default, so a second server
# (`make serve` beside the benchmark's) would take it over; on only where a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

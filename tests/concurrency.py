"""Requests sent at the same moment, each from its own thread and database connection."""

import threading

from django.db import connection
from django.test import Client


def post_together(requests: list[tuple]) -> list[int]:
    """POST each (member, url, data) from its own thread at once; their status codes, in order."""
    # A thread that fails before the barrier breaks it for the others instead of leaving them
    # waiting; a request that never ends fails the test instead of hanging the suite.
    start = threading.Barrier(len(requests), timeout=60)
    statuses = [0] * len(requests)

    def send(index: int, member, url: str, data: dict) -> None:
        try:
            client = Client()
            client.force_login(member)
            start.wait()
            statuses[index] = client.post(url, data).status_code
        except Exception:
            start.abort()  # the others stop waiting; this one's status stays 0
            raise
        finally:
            connection.close()

    workers = [
        threading.Thread(target=send, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a request never finished"
    return statuses

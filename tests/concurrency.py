"""Requests sent at the same moment, each from its own thread and database connection."""

import threading

from django.db import connection
from django.test import Client


def post_together(requests: list[tuple]) -> list[int]:
    """POST each (member, url, data) from its own thread at once; their status codes, in order."""
    start = threading.Barrier(len(requests))
    statuses = [0] * len(requests)

    def send(index: int, member, url: str, data: dict) -> None:
        client = Client()
        client.force_login(member)
        start.wait()
        try:
            statuses[index] = client.post(url, data).status_code
        finally:
            connection.close()

    workers = [
        threading.Thread(target=send, args=(index, *request))
        for index, request in enumerate(requests)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses

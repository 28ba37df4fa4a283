"""Whose allowance a request uses: the member, or the client's address as our proxies report it."""

import pytest
from django.test import RequestFactory

from accounts.limits import client_ip


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "", "203.0.113.7"),
        # Without proxies of ours, X-Forwarded-For is whatever the client wrote: ignored.
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Behind one proxy, its entry is the last; what the client wrote before it is ignored.
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "198.51.100.1"),
        # Too few entries for the proxies configured: the peer's address.
        (2, "10.0.0.2", "198.51.100.1", "10.0.0.2"),
        # An IPv6 address stands for its /64 network.
        (0, "2001:db8:1:2:aaaa::1", "", "2001:db8:1:2::/64"),
        (0, "::ffff:203.0.113.7", "", "203.0.113.7"),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected

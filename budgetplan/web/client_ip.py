"""The client's address as the login lockout counts it: behind the TLS proxy, the proxy's word.

Every request behind a proxy arrives from the proxy's address, so counting failed logins by
REMOTE_ADDR locks a named account for everyone after five wrong guesses by anyone. Each trusted
proxy appends the address it was reached from to X-Forwarded-For; with N of them in front, the
N-th entry from the right is the one the outermost proxy saw, and anything to its left was
written by the client and proves nothing (the rule of Werkzeug's ProxyFix).
"""
import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, or the connection's when it cannot tell."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.BUDGETPLAN_TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote  # not through every proxy (or not through them at all)
    address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return remote

"""The client's address behind reverse proxies, for django-axes' lock-out.

Each reverse proxy appends the address it received the request from to X-Forwarded-For,
so behind N trusted proxies the client is the N-th entry from the right; whatever stands
left of it was written by the client and may be forged. Without trusted proxies the header
is ignored, since any client can send it.
"""

import ipaddress

from django.conf import settings


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.CRM_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part for part in header.split(",") if part.strip()]
    if not forwarded:
        return remote
    # Fewer entries than proxies: the request skipped the outer ones, and every entry was
    # written by a proxy we trust; the left-most is the client.
    entry = forwarded[-trusted] if len(forwarded) >= trusted else forwarded[0]
    # A proxy that forwards garbage is misconfigured; the lock then keys on the proxy.
    return _address(entry) or remote

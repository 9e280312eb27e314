"""A per-client limit for the public account endpoints that make us send e-mail.

A fixed window counted in Django's cache (per process with the default in-memory
cache; shared by every web server once CACHES names a shared cache). The per-account
limit that protects a person's mailbox is in the database (services._may_send_to);
this one stops one client from spraying many addresses."""

import time

from django.core.cache import cache
from django.http import HttpRequest

RESEND_PER_CLIENT = 10  # requests per window
WINDOW_SECONDS = 3600


def client_key(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def retry_after(scope: str, key: str, limit: int = RESEND_PER_CLIENT) -> int | None:
    """Count one request of `key` in `scope`; the seconds to wait when it is over the
    limit, None when it may go ahead."""
    window = int(time.time()) // WINDOW_SECONDS
    name = f"throttle:{scope}:{key}:{window}"
    cache.add(name, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count <= limit:
        return None
    return WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS

"""Status lists in the database: handing out an index, flipping a bit, and the signed
Status List Token that the public URL serves (cached until a bit changes or an hour
passes)."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.proofs import statuslist
from apps.proofs.models import Proof, StatusList
from apps.proofs.trust import PROOF_STATUS
from apps.vault import signing

TOKEN_LIFETIME = dt.timedelta(hours=24)  # a verifier may rely on a copy this long
TTL = dt.timedelta(hours=1)  # and should fetch a fresh one after this
ALLOCATION_TRIES = 64


def uri_for(list_id: int) -> str:
    return settings.SITE_URL + reverse("proofs:status_list", args=[list_id])


def _open_list() -> StatusList:
    """The list new proofs go to, locked; the next one is opened when the last is full.
    Lists are numbered 1, 2, ... explicitly, so two transactions that both find the last
    list full (or none at all) cannot open two: the second one's INSERT fails on the
    primary key, and it locks the list the first one opened."""
    for _ in range(3):
        current = StatusList.objects.select_for_update().order_by("-id").first()
        if current is not None and not current.full:
            return current
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the caller usable
                StatusList.objects.create(
                    id=current.id + 1 if current else 1, statuses=bytes(StatusList.SIZE // 8)
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not open a status list")


def allocate() -> tuple[StatusList, int]:
    """A random free index in the open list: no proof holds it and its bit is 0 (an
    erased person's proofs are deleted, but their revoked bits stay set)."""
    status_list = _open_list()
    statuses = bytes(status_list.statuses)
    view = statuslist.StatusListView(
        uri="", statuses=statuses, issued_at=0, expires_at=None, ttl=None
    )
    for _ in range(ALLOCATION_TRIES):
        index = secrets.randbelow(status_list.size)
        if view.status(index) != statuslist.VALID:
            continue
        if Proof.objects.filter(status_list=status_list, status_index=index).exists():
            continue
        status_list.used += 1
        status_list.save(update_fields=["used"])
        return status_list, index
    raise RuntimeError("no free status index after many tries; open a new list")


def set_revoked(status_list_id: int, index: int) -> None:
    """Set the proof's bit (idempotent); the next token request signs the new list."""
    status_list = StatusList.objects.select_for_update().get(pk=status_list_id)
    statuses = bytearray(status_list.statuses)
    statuslist.set_bit(statuses, index)
    status_list.statuses = bytes(statuses)
    status_list.version += 1
    status_list.save(update_fields=["statuses", "version"])


def current_views() -> dict[str, statuslist.StatusListView]:
    """Every list as the online verifier sees it: straight from the database."""
    now = int(timezone.now().timestamp())
    return {
        uri_for(row.id): statuslist.StatusListView(
            uri=uri_for(row.id),
            statuses=bytes(row.statuses),
            issued_at=now,
            expires_at=None,
            ttl=None,
        )
        for row in StatusList.objects.all()
    }


@transaction.atomic
def signed_token(list_id: int) -> tuple[bytes, dt.datetime]:
    """The list's Status List Token and when it expires; signs a new one when a bit
    changed since, or the cached one is older than TTL. StatusList.DoesNotExist for an
    unknown id."""
    status_list = StatusList.objects.select_for_update().get(pk=list_id)
    now = timezone.now()
    fresh = (
        status_list.signed_token is not None
        and status_list.signed_version == status_list.version
        and status_list.signed_at is not None
        and status_list.signed_at + TTL > now
        and status_list.token_expires_at is not None
    )
    if fresh and status_list.token_expires_at is not None:
        return bytes(status_list.signed_token or b""), status_list.token_expires_at
    key = signing.active_key(PROOF_STATUS)
    issued = now.replace(microsecond=0)
    expires = issued + TOKEN_LIFETIME
    token = statuslist.sign_token(
        signing.private_key(key),
        key.kid,
        uri=uri_for(status_list.id),
        statuses=bytes(status_list.statuses),
        issued_at=int(issued.timestamp()),
        expires_at=int(expires.timestamp()),
        ttl=int(TTL.total_seconds()),
    )
    status_list.signed_token = token
    status_list.signed_version = status_list.version
    status_list.signed_at = issued
    status_list.token_expires_at = expires
    status_list.save(
        update_fields=["signed_token", "signed_version", "signed_at", "token_expires_at"]
    )
    return token, expires


def refresh_signed_tokens() -> int:
    """Re-sign every status list whose signed copy is stale (a bit changed, or it is
    older than TTL), so the public URL always has a fresh one ready; the `status-lists`
    job runs it every quarter hour. Returns how many lists it re-signed."""
    refreshed = 0
    for list_id in StatusList.objects.order_by("id").values_list("id", flat=True):
        before = StatusList.objects.filter(pk=list_id).values_list("signed_at", flat=True).first()
        _token, _expires = signed_token(list_id)
        after = StatusList.objects.filter(pk=list_id).values_list("signed_at", flat=True).first()
        refreshed += after != before
    return refreshed

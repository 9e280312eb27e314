"""What an expunged person leaves behind, and what is cut away (docs/programs.md,
"What an expunged person leaves").

Crypto-shredding (`registrations.access.erase_person`) makes every ciphertext
unreadable. This module removes what is readable WITHOUT the key and still ties the case
shells to a human being: clear dates of their moves and departure, links to accounts,
the digest of the filed form, the language they filed in, the re-registration date
derived from a birth date. Called only by `retention.services`, inside the
expungement's transaction.

What stays, by design: the person id (a random uuid), case numbers, program, case
states and their transitions (codes and roles), creation/submission/update times, the
office code, whether it was a child's filing, appointment slots at offices. Those keep
the audit log's references and the aggregate statistics meaningful and answer a lookup
with "erased" (410) instead of "not found".
"""

import logging
import uuid

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import DatabaseError, connection

from apps.accounts.models import User
from apps.appointments.models import Booking
from apps.outbox import services as outbox
from apps.registrations.models import (
    AddressChange,
    CaseNote,
    CaseTransition,
    Departure,
    NoticeShown,
    Person,
    Registration,
)

logger = logging.getLogger(__name__)

# The one account every expunged case shell is attributed to: it cannot sign in.
EXPUNGED_FILER = "expunged@registry.invalid"


def secure_delete_on() -> None:
    """SQLite keeps deleted bytes in free pages unless told to overwrite them; the
    setting lasts for the connection. (PostgreSQL: see `compact_after_commit`.)"""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def compact_after_commit(*, full: bool = False) -> None:
    """Make the destroyed keys' old row versions leave the live files; after commit.

    PostgreSQL keeps an updated row's old version (with the wrapped key) as a dead
    tuple: a plain VACUUM of the key table prunes it but may leave its bytes in the
    page's free space; `full` (VACUUM FULL) rewrites the table into new files, holding
    an exclusive lock on the key table meanwhile (about 4 s per million persons), so
    the daily run does it once and a single expungement does the plain one. SQLite (with
    secure_delete on) only needs its write-ahead log checkpointed and truncated. A
    failure here loses nothing: the next run compacts again."""
    if connection.in_atomic_block:  # called back inside an outer transaction: later
        return
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM {'(FULL) ' if full else ''}vault_subjectkey")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        logger.warning("storage compaction after an expungement failed; the next run retries")


def cut_links(person_id: uuid.UUID, *, retire_own_account: bool) -> None:
    """Remove what is readable without the key and links the shells to a person.

    `retire_own_account`: the person's own account is emptied too (e-mail replaced,
    password unusable, sign-in logs deleted) when nothing else of theirs remains: for
    the immediate grounds (naturalisation, confirmed citizenship, unlawful storage, a
    court order), where the person's dealings with the registry end. An account that
    still files for other people (a guardian) is never retired."""
    person = Person.objects.filter(pk=person_id).values("account_id", "guardian_id").first()
    if person is None:
        return
    filer = _expunged_filer()
    cases = Registration.objects.filter(person_id=person_id)
    cases.update(
        filed_by=filer,
        idempotency_key=None,
        request_digest="",
        assigned_to=None,
        due_on=None,
        language="",
    )
    Person.objects.filter(pk=person_id).update(
        account=None, guardian=None, reregistration_due_on=None
    )
    CaseNote.objects.filter(registration__person_id=person_id).delete()
    CaseTransition.objects.filter(registration__person_id=person_id).update(actor=None)
    AddressChange.objects.filter(person_id=person_id).delete()
    Departure.objects.filter(registration__person_id=person_id).delete()
    Booking.objects.filter(registration__person_id=person_id).update(
        booked_by=None, idempotency_key=None
    )
    own = person["account_id"]
    if retire_own_account and own is not None and not _still_needed(own):
        _retire(own)


def _expunged_filer() -> User:
    user, created = User.objects.get_or_create(
        username=EXPUNGED_FILER,
        defaults={"email": EXPUNGED_FILER, "is_active": False, "role": "registrant"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _still_needed(user_id: int) -> bool:
    """The account still files for, or is, someone whose record lives."""
    return (
        Person.objects.filter(account_id=user_id).exists()
        or Person.objects.filter(guardian_id=user_id).exists()
        or Registration.objects.filter(filed_by_id=user_id).exists()
    )


def _retire(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    old_name = {user.username, user.email}
    anonymous = f"expunged-{uuid.uuid4().hex}@registry.invalid"
    user.username = user.email = anonymous
    user.first_name = user.last_name = ""
    user.is_active = False
    user.email_verified_at = None
    user.set_unusable_password()  # also ends every session (the session hash changes)
    user.save()
    NoticeShown.objects.filter(user_id=user_id).delete()
    outbox.forget(user_id, old_name)  # messages hold the old address
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=old_name).delete()

"""Printing a proof: the current proof, the name and the photo, read and logged in one
transaction, laid out by pdf.py."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from apps.accounts.models import User
from apps.programs.loader import get_program
from apps.proofs import pdf, photos, services
from apps.proofs.models import Proof
from apps.registrations import access
from apps.registrations.access import SELF_ACCESS, StatedPurpose
from apps.registrations.models import Registration


@transaction.atomic
def pdf_for(
    actor: User,
    registration: Registration,
    purpose: StatedPurpose | None,
    *,
    layout: pdf.Layout,
    language: str,
) -> bytes:
    """The printable proof of a registered case, for its registrant (`purpose` None)
    or for an officer's stated purpose. The name and the photo are read through the
    logging paths; NoProof unless the case is registered; FormInvalid for a purpose
    the program does not allow (nothing is read or issued then)."""
    name = access.read_card_name(actor, registration, purpose)
    code = purpose.code if purpose else SELF_ACCESS
    issued = services.current_proof(actor, registration, purpose=code)
    photo = photos.read_portrait(actor, registration.person, purpose=code)
    program = get_program(registration.program)
    content = pdf.CardContent(
        name=name,
        photo=photo,
        registration_number=str(registration.case_number),
        card_number=services.card_number_display(issued.proof.card_number),
        valid_from=issued.proof.issued_at.date().isoformat(),
        valid_until=issued.proof.expires_at.date().isoformat(),
        qr_text=issued.text,
        program_title=program.text(program.program.title, language),
        verify_url=settings.SITE_URL + reverse("proofs:verify"),
    )
    return pdf.render(content, layout=layout, language=language)


def history(registration: Registration) -> list[Proof]:
    """The case's proofs, newest first (numbers and dates only)."""
    return list(Proof.objects.filter(registration=registration).order_by("-issued_at"))

"""The online verifier: the same checks as the offline one (apps.proofs.verify), with
the trust list and the status lists read straight from the database. It keeps and
logs nothing about who checks what: no audit entry, no log line, no session."""

import base64
import datetime as dt
import io
from dataclasses import dataclass

import zxingcpp
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from apps.programs.errors import ProgramError
from apps.programs.loader import get_program
from apps.proofs import keys, lists, verify
from apps.proofs.services import card_number_display

OUTCOMES: dict[verify.Outcome, Promise] = {
    verify.Outcome.VALID: _("Valid"),
    verify.Outcome.EXPIRED: _("Expired"),
    verify.Outcome.NOT_YET_VALID: _("Not yet valid"),
    verify.Outcome.REVOKED: _("Revoked"),
    verify.Outcome.UNKNOWN_ISSUER: _("Unknown issuer"),
    verify.Outcome.TAMPERED: _("Tampered"),
    verify.Outcome.UNREADABLE: _("Not a proof of registration"),
}
REASONS: dict[str, Promise] = {
    "ok": _("The proof is genuine, valid and not revoked."),
    "prefix": _("This is not a proof of registration (the text must start with RG1:)."),
    "base45": _("The QR text is damaged: it is not valid base45."),
    "cbor": _("The QR text is damaged: its content cannot be decoded."),
    "structure": _("The content is not a signed proof."),
    "header": _("The signature header was changed."),
    "unknown_key": _("The proof was signed with a key this registry does not know."),
    "issuer": _("The proof names another issuer."),
    "signature": _("The signature does not match: the proof was changed after signing."),
    "claims": _("The proof's contents are incomplete or malformed."),
    "signed_after_retirement": _("The proof was signed with a key after it was retired."),
    "not_yet_valid": _("The proof is not valid yet."),
    "expired": _("The proof has expired."),
    "revoked": _("The proof was revoked: it was replaced or withdrawn."),
    "status_index": _("The proof's status entry is outside its status list."),
    "no_qr": _("No QR code was found in the picture. Try a sharper, closer picture."),
}


@dataclass(frozen=True)
class Checked:
    verdict: verify.Verdict
    outcome_label: Promise
    reason_label: Promise
    program_title: str = ""
    card_number: str = ""
    thumbnail_data_uri: str = ""
    valid_from: str = ""
    valid_until: str = ""


def read_qr_image(data: bytes) -> str | None:
    """The text of the first QR code in a picture, or None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            results = zxingcpp.read_barcodes(
                image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    texts = [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode and r.text]
    return texts[0] if texts else None


def unreadable_picture() -> Checked:
    verdict = verify.Verdict(verify.Outcome.UNREADABLE, "no_qr")
    return Checked(verdict, OUTCOMES[verdict.outcome], REASONS["no_qr"])


def _date(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date().isoformat()


def check(text: str, language: str) -> Checked:
    """Verify QR text against this registry's keys and current status lists."""
    verdict = verify.verify(
        text, keys.trust_list(), lists.current_views(), int(timezone.now().timestamp())
    )
    checked = Checked(verdict, OUTCOMES[verdict.outcome], REASONS[verdict.reason])
    claims = verdict.claims
    if claims is None:
        return checked
    try:
        program = get_program(claims.program)
        title = program.text(program.program.title, language)
    except ProgramError:
        title = claims.program
    thumbnail = (
        "data:image/jpeg;base64," + base64.b64encode(claims.face).decode("ascii")
        if claims.face
        else ""
    )
    return Checked(
        verdict,
        checked.outcome_label,
        checked.reason_label,
        program_title=title,
        card_number=card_number_display(claims.card),
        thumbnail_data_uri=thumbnail,
        valid_from=_date(claims.not_before),
        valid_until=_date(claims.expires_at),
    )

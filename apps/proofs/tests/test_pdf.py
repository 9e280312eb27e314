"""Amal downloads her printable proof: the card (two sides) and the A4 page, in English
and Spanish. Each PDF is rendered to PNG with pdftoppm and its QR code read back with
zxing-cpp; it must be exactly her current proof. With a portrait on file the photo is
printed; without one (or without the biometrics app's reader) the card says the photo
is on file at the registry."""

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from django.test import Client
from PIL import Image

from apps.accounts.models import User
from apps.audit.models import AuditEntry
from apps.proofs import services
from apps.registrations.models import Registration

pytestmark = pytest.mark.django_db


def pages_of(pdf: bytes, tmp_path: Path) -> list[Path]:
    source = tmp_path / "proof.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "300", "-png", str(source), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    return sorted(tmp_path.glob("page*.png"))


def text_of(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603
        ["pdftotext", "-raw", str(source), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def qr_texts(pages: list[Path]) -> list[str]:
    found = []
    for page in pages:
        with Image.open(page) as image:
            # QR codes only: text on the page is sometimes read as a 1-D barcode
            qr_codes = zxingcpp.read_barcodes(
                image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            )
            found += [r.text for r in qr_codes]
    return found


def download(client: Client, case: Registration, layout: str, language: str) -> bytes:
    response = client.get(
        f"/proofs/cases/{case.case_number}/proof.pdf", {"layout": layout, "language": language}
    )
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.mark.usefixtures("with_portrait")
@pytest.mark.parametrize("variant", ["card en", "a4 es"])
def test_the_qr_read_back_from_the_printed_pdf_is_the_current_proof(
    amal: User,
    amal_client: Client,
    amal_registered: Registration,
    tmp_path: Path,
    variant: str,
) -> None:
    layout, language = variant.split()
    pdf = download(amal_client, amal_registered, layout, language)
    pages = pages_of(pdf, tmp_path)
    assert len(pages) == (2 if layout == "card" else 1)
    assert qr_texts(pages) == [services.current_proof(amal, amal_registered).text]
    text = text_of(pdf, tmp_path)
    assert "Amal Noor Haddad" in text
    assert str(amal_registered.case_number) in text
    assert "Photo on file" not in text
    for absent in ("Beirut", "Elm Street", "LB "):
        assert absent not in text
    reads = AuditEntry.objects.filter(subject_id=amal_registered.person_id, action="read")
    assert {"proof-name"} <= set(reads.values_list("object_type", flat=True))


@pytest.mark.parametrize("layout", ["card", "a4"])
def test_without_a_portrait_the_card_says_the_photo_is_on_file(
    amal_client: Client,
    amal_registered: Registration,
    without_portrait_reader: None,
    tmp_path: Path,
    layout: str,
) -> None:
    pdf = download(amal_client, amal_registered, layout, "en")
    assert "Photo on file at the registry" in " ".join(text_of(pdf, tmp_path).split())
    assert len(qr_texts(pages_of(pdf, tmp_path))) == 1


def test_a_bad_layout_or_language_is_refused(
    amal_client: Client, amal_registered: Registration
) -> None:
    response = amal_client.get(
        f"/proofs/cases/{amal_registered.case_number}/proof.pdf",
        {"layout": "poster", "language": "xx"},
    )
    assert response.status_code == 400

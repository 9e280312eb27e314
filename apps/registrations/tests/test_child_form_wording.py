"""Gabriela files for her son Yusuf: the form speaks about the child ("About the
child", "How did the child enter?"), in English and in Spanish; when Amal files for
herself it still speaks to her ("About you"). Olu reads Yusuf's opened record with the
same words."""

import re

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.programs.loader import get_program
from apps.registrations import services
from conftest import CHILD_FORM, client_for

pytestmark = pytest.mark.django_db


def legends(html: str) -> list[str]:
    return re.findall(r"<legend>([^<]+)</legend>", html)


def draft_page(client: Client, *, for_child: bool, language: str = "en") -> str:
    client.cookies["django_language"] = language
    started = client.post("/register/start/", {"for_child": "1" if for_child else "0"})
    assert started.status_code == 302, started.content
    page = client.get(started["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_gabriela_reads_a_form_about_her_son(gabriela: User) -> None:
    html = draft_page(client_for(gabriela), for_child=True)
    assert legends(html)[:2] == ["About the child", "The child&#x27;s last entry"]
    assert "About you" not in html
    assert "How did the child enter?" in html
    assert "Type your own full name to sign, as the parent or guardian" in html
    assert "How did you enter?" not in html


def test_in_spanish_too(gabriela: User) -> None:
    html = draft_page(client_for(gabriela), for_child=True, language="es")
    assert legends(html)[0] == "Datos del niño o de la niña"
    assert "Sus datos" not in html
    assert "¿Cómo entró el niño o la niña?" in html


def test_amal_filing_for_herself_is_still_spoken_to(amal: User) -> None:
    html = draft_page(client_for(amal), for_child=False)
    assert legends(html)[0] == "About you"
    assert "How did you enter?" in html
    assert "the child" not in html


def test_every_titled_section_of_a_childrens_program_has_a_child_title() -> None:
    """A program that lets guardians file for children words each section about the
    child wherever its title addresses the reader."""
    for slug in ("us-2025", "tps-example"):
        program = get_program(slug)
        assert program.eligibility.child_below_age
        for section in program.form.sections:
            if re.search(r"\b(you|your)\b", section.title["en"], re.I):
                assert section.child_title, f"{slug}: {section.key} speaks to 'you' only"


def test_olu_reads_yusufs_record_as_a_childs(gabriela: User, olu: User) -> None:
    case, _ = services.file_registration(
        gabriela, program_slug="us-2025", for_child=True, data=CHILD_FORM, language="es",
        idempotency_key=None,
    )  # fmt: skip
    html = (
        client_for(olu)
        .post(f"/console/cases/{case.case_number}/record/", {"purpose": "case-processing"})
        .content.decode()
    )
    assert "<h3>About the child</h3>" in html
    assert "<h3>About you</h3>" not in html

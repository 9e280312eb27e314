"""Every translatable text exists in Spanish: no empty and no fuzzy entry (gettext
ignores fuzzy ones, so a reader would silently get English)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/es/LC_MESSAGES/django.po") if ".venv" not in p.parts
)
ENTRY = re.compile(r'^msgid (".*?"(?:\n".*?")*)\nmsgstr (".*?"(?:\n".*?")*)', re.M)


def entries(path: Path) -> list[tuple[str, str]]:
    def join(block: str) -> str:
        return "".join(re.findall(r'"(.*?)"\s*$', block, re.M))

    return [(join(i), join(s)) for i, s in ENTRY.findall(path.read_text())]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated(path: Path) -> None:
    untranslated = [msgid for msgid, msgstr in entries(path) if msgid and not msgstr]
    assert not untranslated, f"untranslated in {path}: {untranslated[:5]}"
    assert "#, fuzzy" not in path.read_text().split("\n\n", 1)[1], f"fuzzy entries in {path}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_placeholders_survive_translation(path: Path) -> None:
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}")
    for msgid, msgstr in entries(path):
        if msgid and msgstr:
            assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstr)), msgid


def test_the_project_catalogue_is_found() -> None:
    assert ROOT / "locale/es/LC_MESSAGES/django.po" in CATALOGUES

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test.signals import setting_changed

from apps.programs import loader

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def _fresh_program_cache() -> Iterator[None]:
    """Each test sees files as they are now, not as an earlier test loaded them."""
    loader.clear_cache()
    yield
    loader.clear_cache()


@pytest.fixture(scope="session")
def spanish_catalog() -> None:
    """The compiled Spanish messages (.mo files are build output, not in git): compile
    ours if it is missing or stale, then make Django reload its catalogs."""
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            pytest.skip("msgfmt (gettext) is needed to compile the Spanish messages")
        subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)  # noqa: S603
        # The signal Django's own settings overrides send: it drops cached catalogs.
        setting_changed.send(
            sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
        )

"""Rules of the code base that a reviewer could miss: personal data is opened only by
the services that log the read, and every app keeps the same layout."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ROOT / "apps"

# Modules allowed to decrypt personal data: each app's access.py, which logs every read,
# and services.py, whose workflows log what they do (e.g. filing reopens the draft it
# validates); the vault defines the primitives.
MAY_DECRYPT_NAMES = {"access.py", "services.py"}
VAULT_CRYPTO = APPS / "vault" / "crypto.py"  # defines open_sealed


def source_files() -> list[Path]:
    return [p for p in APPS.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def test_only_logging_services_decrypt() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in source_files()
        if path.name not in MAY_DECRYPT_NAMES
        and path != VAULT_CRYPTO
        and re.search(r"\bopen_json\(|\bopen_sealed\(", path.read_text())
    ]
    assert not offenders, f"decrypting outside the logging services: {offenders}"


def test_views_and_apis_never_touch_ciphertext() -> None:
    for path in source_files():
        if path.name in {"views.py", "api.py", "forms.py"}:
            assert "form_sealed" not in path.read_text(), path


def test_every_view_and_endpoint_authorizes() -> None:
    """Each function in views.py / api.py that handles a request calls authorize(), or
    a helper of the same module that does, or is listed here as public."""
    public = {"signup", "verify", "sign_in", "sign_out", "me", "program_detail", "list_offices"}
    public |= {"second_factor"}  # the sign-in step itself; it checks the role on its own
    checked = []
    for path in source_files():
        if not path.name.endswith(("views.py", "api.py")):
            continue
        functions = {
            match.group(1): match.group(0)
            for match in re.finditer(
                r"^def (\w+)\(.*?(?=^def |^class |^@|\Z)", path.read_text(), re.M | re.S
            )
        }
        # registrations.lookups.case_for authorizes; registry.public.public marks a handler
        # that deliberately needs no permission.
        # apps.partners.auth.partner_client admits a partner's bearer token.
        guards = {"case_for", "console_page", "public", "partner_client"}
        guards |= {
            name for name, body in functions.items() if "authorize(" in body or "case_for(" in body
        }
        for name, body in functions.items():
            if not body.startswith(f"def {name}(request") or name in public or name[0] == "_":
                continue
            source = path.read_text()
            decorated = re.search(rf"@(\w+)[^\n]*\n(?:@[^\n]*\n)*def {name}\(", source)
            ok = any(f"{guard}(" in body for guard in guards) or (
                decorated is not None and decorated.group(1) in guards
            )
            assert ok, f"{path.relative_to(ROOT)}:{name} does not authorize"
            checked.append(name)
    assert len(checked) >= 30, checked  # the scan found the handlers


def test_modules_stay_small() -> None:
    large = {
        str(p.relative_to(ROOT)): n
        for p in source_files()
        if (n := len(p.read_text().splitlines())) > 450
    }
    assert not large, f"split these by responsibility: {large}"

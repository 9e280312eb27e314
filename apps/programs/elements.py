"""What part of a program a path is in, in words a policy author uses: "exemption",
"read purpose", "notice (es)". A refusal names the element as well as the path, so the
author sees at once that, say, an exemption (not a criterion) singled people out."""

from apps.programs import vocabulary
from apps.programs.locate import PathPart
from apps.programs.structure import normal_key

_LANGUAGE_TEXTS = {"title", "text", "label", "help", "name", "reason", "benefit"}

_KNOWN: dict[tuple[str, ...], str] = {
    ("program", "kind"): "kind flag",
    ("program", "fee"): "fee",
    ("program", "benefit"): "benefit statement",
    ("program", "title"): "title",
    ("program", "legal_basis"): "legal basis",
    ("program", "jurisdiction"): "jurisdiction",
    ("eligibility", "criteria"): "eligibility criterion",
    ("eligibility", "questions", "help"): "question help text",
    ("eligibility", "questions"): "eligibility question",
    ("eligibility", "deadline_days_after_arrival"): "deadline",
    ("eligibility", "registration_period_days"): "deadline",
    ("eligibility", "child_reregister_days"): "deadline",
    ("eligibility",): "eligibility rule",
    ("documents",): "document that counts as registration",
    ("exemptions",): "exemption",
    ("form", "sections", "fields", "choices"): "form field choice",
    ("form", "sections", "fields", "help"): "form help text",
    ("form", "sections", "fields"): "form field",
    ("form",): "form",
    ("purposes",): "read purpose",
    ("retention",): "retention period",
    ("redress",): "redress deadline",
    ("biometrics",): "biometric rule",
    ("proof",): "proof of registration rule",
    ("notice",): "notice",
    ("program",): "program header",
}

# Sections the schema does not define, named by what their key says.
_UNKNOWN: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"fee", "fees", "cost", "costs", "price", "tasa", "tasas", "costo"}), "fee"),
    (
        frozenset({"appointment", "appointments", "interview", "interviews", "cita", "citas",
                   "entrevista", "entrevistas"}),
        "appointment or interview rule",
    ),
    (frozenset({"office", "offices", "oficina", "oficinas", "assignment"}), "office assignment"),
    (frozenset({"departure", "departures", "port", "ports", "salida", "puerto"}), "departure port"),
    (
        frozenset({"report", "reporting", "reports", "frequency", "periodic", "informe",
                   "frecuencia"}),
        "reporting frequency",
    ),
    (frozenset({"deadline", "deadlines", "plazo", "plazos"}), "deadline"),
    (frozenset({"retention", "conservacion"}), "retention period"),
    (frozenset({"purpose", "purposes", "finalidad"}), "read purpose"),
)  # fmt: skip


def element_of(path: tuple[PathPart, ...]) -> str:
    """The element a path belongs to, e.g. ``("exemptions", 2, "reason", "es")`` ->
    "exemption (es)"."""
    keys = tuple(normal_key(p) for p in path if isinstance(p, str))
    language = ""
    if len(keys) >= 2 and keys[-2] in _LANGUAGE_TEXTS and len(keys[-1]) == 2:
        language = keys[-1]
    name = None
    for length in range(len(keys), 0, -1):
        if keys[:length] in _KNOWN:
            name = _KNOWN[keys[:length]]
            if length == 1 and len(keys) > 1:
                # [program] fees_by_country = ... is a fee, whatever table it is in.
                name = _sub_element(keys[1:]) or name
            break
    name = name or _sub_element(keys) or _unknown_section(keys)
    return f"{name} ({language})" if language else name


def _sub_element(keys: tuple[str, ...]) -> str | None:
    for key in keys:
        found = set(vocabulary.words(key))
        for words, name in _UNKNOWN:
            if found & words:
                return name
    return None


def _unknown_section(keys: tuple[str, ...]) -> str:
    top = keys[0] if keys else "file"
    return f"section {top!r} (not one the schema defines)"

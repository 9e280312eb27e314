"""The subject-access export as a readable PDF (fpdf2), drawn from the same data as
the JSON: each section a heading, each record a block of "label: value" lines.

DejaVu Sans is embedded when the system has it, so names in any Latin, Greek or
Cyrillic script print as written; fpdf2's built-in Helvetica (Latin-1) is the
fallback, with other characters replaced."""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
MAX_DEPTH = 6


class _Document:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.set_margins(15, 15, 15)
        if FONT.exists() and FONT_BOLD.exists():
            self.pdf.add_font("body", "", str(FONT))
            self.pdf.add_font("body", "B", str(FONT_BOLD))
            self.family, self.unicode = "body", True
        else:  # pragma: no cover - the Debian image ships DejaVu
            self.family, self.unicode = "helvetica", False
        self.pdf.add_page()

    def text(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, value: str, size: int = 14) -> None:
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(0, 8, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def line(self, value: str, indent: int = 0) -> None:
        self.pdf.set_font(self.family, "", 9)
        self.pdf.set_x(15 + 4 * indent)
        self.pdf.multi_cell(0, 5, self.text(value), align="L", new_x="LMARGIN", new_y="NEXT")

    def value(self, label: str, data: Any, indent: int) -> None:
        if indent > MAX_DEPTH:
            self.line(f"{label}: …", indent)
        elif isinstance(data, dict):
            if label:
                self.line(f"{label}:", indent)
            for key, item in data.items():
                self.value(str(key), item, indent + (1 if label else 0))
        elif isinstance(data, list):
            if not data:
                self.line(f"{label}: —" if label else "—", indent)
                return
            if all(not isinstance(i, dict | list) for i in data):
                self.line(f"{label}: " + ", ".join(_scalar(i) for i in data), indent)
                return
            self.line(f"{label}:", indent)
            for number, item in enumerate(data, 1):
                self.value(f"#{number}", item, indent + 1)
        else:
            self.line(f"{label}: {_scalar(data)}" if label else _scalar(data), indent)


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def _accounting(doc: _Document, data: dict[str, Any]) -> None:
    """One line per entry: when, who for which organisation, what, why, under which
    law, with which reference."""
    for entry in data.get("entries", []):
        who = entry["who_role"] + (f" #{entry['who_id']}" if entry.get("who_id") else "")
        parts = [
            entry["at"][:16].replace("T", " "),
            f"{who} ({entry['organisation']})",
            f"{entry['action_label']} {entry['what']} {entry['object_id']}".strip(),
            entry["purpose_label"] or "—",
        ]
        if entry.get("legal_basis"):
            parts.append(entry["legal_basis"])
        if entry.get("reference"):
            parts.append(_("reference %(ref)s") % {"ref": entry["reference"]})
        doc.line(" · ".join(parts))
        doc.pdf.ln(1)
    for hold in data.get("holds_that_ended", []):
        doc.line(
            _(
                "From %(start)s to %(end)s some entries were held back from you for a "
                "law-enforcement reason; they are shown above."
            )
            % {"start": hold["placed_at"][:10], "end": hold["ended_at"][:10]}
        )


def render_pdf(export: dict[str, Any]) -> bytes:
    """The export as PDF bytes."""
    doc = _Document()
    doc.heading(_("Everything the registry holds about you"), 16)
    doc.line(
        _("Prepared on %(when)s for record %(person)s (program %(program)s).")
        % {"when": export["generated_at"], "person": export["person"], "program": export["program"]}
    )
    doc.pdf.ln(3)
    for key, section in export["sections"].items():
        doc.heading(section["title"])
        if key == "accounting":
            _accounting(doc, section["data"])
        else:
            doc.value("", section["data"], 0)
        doc.pdf.ln(3)
    return bytes(doc.pdf.output())

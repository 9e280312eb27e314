"""The printable proof (fpdf2): a two-sided ID-1 card (85.6 x 54 mm; the QR on the
back) or an A4 page, in English or Spanish. It shows the photo (or a box saying the
photo is on file at the registry), the name, the registration and card numbers, the
validity and the QR, and nothing else about the person."""

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import segno
from anyascii import anyascii
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

Layout = Literal["card", "a4"]
LAYOUTS: tuple[Layout, ...] = ("card", "a4")
CARD = (85.6, 54.0)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# fpdf2 subsets fonts with fontTools, which reports every glyph at INFO level.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@dataclass(frozen=True)
class CardContent:
    name: str
    photo: bytes | None
    registration_number: str
    card_number: str
    valid_from: str
    valid_until: str
    qr_text: str
    program_title: str
    verify_url: str


def _qr_png(text: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=8, border=4)
    out.seek(0)
    return out


class _Document(FPDF):
    def __init__(self, layout: Layout) -> None:
        super().__init__(unit="mm", format=CARD if layout == "card" else "A4")
        self.set_auto_page_break(auto=False)
        self.set_margins(4, 4, 4)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))

    def use(self, size: float, *, bold: bool = False) -> None:
        self.set_font("DejaVu" if self.unicode else "Helvetica", "B" if bold else "", size)

    def text_line(self, x: float, y: float, text: str, size: float, *, bold: bool = False) -> None:
        self.use(size, bold=bold)
        # Without a Unicode font, the core fonts hold Latin-1 only: transliterate.
        self.text(x, y, text if self.unicode else anyascii(text))

    def photo(self, x: float, y: float, w: float, h: float, photo: bytes | None) -> None:
        if photo:
            self.image(io.BytesIO(photo), x=x, y=y, w=w, h=h, keep_aspect_ratio=True)
            return
        self.set_draw_color(120)
        self.rect(x, y, w, h)
        self.use(5 if w < 30 else 9)
        self.set_xy(x + 1, y + h / 3)
        label = _("Photo on file at the registry")
        self.multi_cell(
            w - 2, 2.6 if w < 30 else 5, label if self.unicode else anyascii(label), align="C"
        )


def _fields(c: CardContent) -> list[tuple[str, str]]:
    return [
        (_("Name"), c.name),
        (_("Registration number"), c.registration_number),
        (_("Card number"), c.card_number),
        (_("Valid"), f"{c.valid_from} - {c.valid_until}"),
    ]


def _card(pdf: _Document, c: CardContent) -> None:
    pdf.add_page()
    pdf.set_fill_color(30, 60, 110)
    pdf.rect(0, 0, CARD[0], 9, style="F")
    pdf.set_text_color(255)
    pdf.text_line(4, 5, _("Proof of registration"), 8, bold=True)
    pdf.text_line(4, 7.8, c.program_title[:70], 4.5)
    pdf.set_text_color(0)
    pdf.photo(4, 12, 22, 28, c.photo)
    y = 14.0
    for label, value in _fields(c):
        pdf.text_line(30, y, label, 4.5)
        pdf.text_line(30, y + 3.4, value[:40], 7 if label != _("Name") else 8, bold=True)
        y += 8.5
    pdf.text_line(4, 50, _("Check the QR code on the back at %(url)s") % {"url": c.verify_url}, 4.5)
    pdf.add_page()
    size = 44.0
    pdf.image(_qr_png(c.qr_text), x=(CARD[0] - size) / 2, y=2, w=size, h=size)
    pdf.text_line(4, 50.5, _("Registration number") + f" {c.registration_number}", 5)


def _a4(pdf: _Document, c: CardContent) -> None:
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.text_line(20, 25, _("Proof of registration"), 20, bold=True)
    pdf.text_line(20, 33, c.program_title, 11)
    pdf.photo(20, 42, 40, 50, c.photo)
    y = 48.0
    for label, value in _fields(c):
        pdf.text_line(70, y, label, 9)
        pdf.text_line(70, y + 6, value, 13, bold=True)
        y += 14
    size = 90.0
    pdf.image(_qr_png(c.qr_text), x=(210 - size) / 2, y=110, w=size, h=size)
    notes = [
        _(
            "Anyone can check this proof from its QR code, without a network, at %(url)s "
            "or with the offline verifier."
        )
        % {"url": c.verify_url},
        _(
            "The QR code shows that the proof is genuine, valid and not revoked, and the card "
            "number (or a small photo) to match it to its holder. It holds no nationality and "
            "no address."
        ),
        _(
            "A new proof replaces this one after a change of address or a renewal; the old "
            "one is then revoked."
        ),
    ]
    pdf.set_xy(20, 210)
    pdf.use(10)
    for note in notes:
        pdf.multi_cell(170, 5.5, note if pdf.unicode else anyascii(note), align="L")
        pdf.ln(2)


def render(content: CardContent, *, layout: Layout, language: str) -> bytes:
    """The PDF bytes of a proof in `layout` ("card" or "a4") and `language`."""
    with translation.override(language):
        pdf = _Document(layout)
        pdf.set_title(_("Proof of registration"))
        (_card if layout == "card" else _a4)(pdf, content)
        return bytes(pdf.output())

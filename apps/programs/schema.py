"""The schema of a program policy file (TOML), as pydantic models.

A program is data, not code: who must register, the deadlines, the documents that
count as already registered, the exemptions, the form, the purposes an officer may give
for reading a record, the retention periods and the notice in every language. The
loader (``loader.py``) runs the non-discrimination lint (``lint.py``) on the raw file
*before* this schema, so a forbidden criterion is refused by name even when it would
also be a schema error. Every model forbids unknown keys: a typo is an error, never a
silently ignored rule. docs/programs.md documents each key.
"""

import datetime as dt
import hashlib
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LocalizedText = dict[str, str]
"""Text per language code, e.g. {"en": "...", "es": "..."}; every program language."""

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]
_ALPHA2 = re.compile(r"^[A-Z]{2}$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgramKind(StrEnum):
    COMPULSORY = "compulsory"  # the law obliges people to register
    VOLUNTARY = "voluntary"  # people apply for a benefit (e.g. temporary protection)


class FieldType(StrEnum):
    TEXT = "text"  # one line, max_length characters
    TEXTAREA = "textarea"  # several lines, max_length characters
    DATE = "date"  # ISO date YYYY-MM-DD
    COUNTRY = "country"  # ISO 3166-1 alpha-2 code
    CHOICE = "choice"  # one of `choices`
    BOOLEAN = "boolean"  # true / false
    TEXT_LIST = "text_list"  # list of one-line texts (e.g. aliases)
    ADDRESS_HISTORY = "address_history"  # list of addresses with from/to dates


class BlindIndex(StrEnum):
    """Which keyed exact-match index a field feeds (see apps/vault/blind_index.py)."""

    FAMILY_NAME = "family_name"
    GIVEN_NAME = "given_name"
    BIRTH_DATE = "birth_date"
    DOCUMENT_NUMBER = "document_number"


class Choice(Strict):
    code: Slug
    label: LocalizedText


class FormField(Strict):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")]
    type: FieldType
    label: LocalizedText
    help: LocalizedText = {}
    # The words when a parent or guardian files for a child ("The child's date of
    # birth"); `label` and `help` otherwise, and when these are absent.
    child_label: LocalizedText = {}
    child_help: LocalizedText = {}
    required: bool = False
    max_length: Annotated[int, Field(ge=1, le=10_000)] = 200
    max_items: Annotated[int, Field(ge=1, le=100)] = 10
    choices: list[Choice] = []
    index: BlindIndex | None = None
    # Which identity fact the field carries, when the form code needs to know it
    # (e.g. "birth_date" for the entry-after-birth check). Free-form field names stay
    # free; meaning is declared here, and the lint reads it too.
    meaning: str | None = None
    # The statute that requires collecting this fact. The non-discrimination check
    # (rule ND-5) refuses a field that collects nationality or country or place of birth
    # without one: such facts are collected only where a law asks for them.
    collected_because: str | None = None

    @model_validator(mode="after")
    def _choices_only_for_choice(self) -> "FormField":
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError(f"field {self.name!r} has type 'choice' but no choices")
        if self.type is not FieldType.CHOICE and self.choices:
            raise ValueError(f"field {self.name!r} has choices but type {self.type}")
        return self


class FormSection(Strict):
    key: Slug
    title: LocalizedText
    # The title when a parent or guardian files for a child ("About the child").
    child_title: LocalizedText = {}
    fields: list[FormField]


class Form(Strict):
    sections: list[FormSection]

    def fields(self) -> list[FormField]:
        return [field for section in self.sections for field in section.fields]

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields() if f.name == name), None)

    def field_with_meaning(self, meaning: str) -> FormField | None:
        return next((f for f in self.fields() if f.meaning == meaning), None)


class Criterion(Strict):
    """One condition on who the program applies to. The evaluator knows these
    attributes; the lint refuses protected ones before the schema sees them."""

    attribute: Literal["age", "days_present", "nationality", "arrived_before", "arrived_after"]
    op: Literal[">=", "<=", ">", "<", "==", "in", "not in"]
    value: int | str | dt.date | list[str]

    @model_validator(mode="after")
    def _value_fits_attribute(self) -> "Criterion":
        """A criterion the evaluator cannot apply would silently never (or always) match:
        refuse it. age/days_present compare whole numbers; nationality takes ISO 3166-1
        alpha-2 codes (``in``/``not in`` a list, or ``==`` one code); arrived_before and
        arrived_after compare the arrival date with a date, and the operator must agree
        with the name (``<``/``<=`` for before, ``>``/``>=`` for after)."""
        value, op = self.value, self.op
        if self.attribute in ("age", "days_present"):
            if isinstance(value, bool) or not isinstance(value, int) or op in ("in", "not in"):
                raise ValueError(
                    f"criterion {self.attribute!r} needs a whole number and one of "
                    f">=, <=, >, <, == (got op {op!r}, value {value!r})"
                )
        elif self.attribute == "nationality":
            codes: list[object] = list(value) if isinstance(value, list) else [value]
            list_op = op in ("in", "not in")
            if list_op != isinstance(value, list) or op not in ("in", "not in", "=="):
                raise ValueError(
                    "criterion 'nationality' takes op 'in'/'not in' with a list of codes, "
                    f"or '==' with one code (got op {op!r}, value {value!r})"
                )
            bad = [c for c in codes if not (isinstance(c, str) and _ALPHA2.fullmatch(c))]
            if bad or not codes:
                raise ValueError(
                    f"criterion 'nationality' needs ISO 3166-1 alpha-2 codes such as 'SV'; "
                    f"not codes: {bad or 'empty list'}"
                )
        else:
            allowed = ("<", "<=") if self.attribute == "arrived_before" else (">", ">=")
            if not isinstance(value, dt.date) or op not in allowed:
                raise ValueError(
                    f"criterion {self.attribute!r} needs a date (YYYY-MM-DD, unquoted) and "
                    f"op {' or '.join(allowed)} (got op {op!r}, value {value!r})"
                )
        return self


class Question(Strict):
    code: Literal[
        "is_citizen", "birth_date", "arrival_date", "documents", "exemption", "nationality"
    ]
    label: LocalizedText
    help: LocalizedText = {}


class Eligibility(Strict):
    min_age: Annotated[int, Field(ge=0, le=120)]
    min_days_present: Annotated[int, Field(ge=0, le=3650)]
    deadline_days_after_arrival: Annotated[int, Field(ge=0, le=3650)]
    # Below this age a parent or guardian files; at this age the child re-registers.
    child_below_age: Annotated[int, Field(ge=0, le=21)] = 0
    child_reregister_days: Annotated[int, Field(ge=0, le=365)] = 30
    # Programs with an opening period (e.g. a temporary protection registration window
    # of 180 days from the notice): the deadline is never earlier than effective_date
    # plus this many days. 0 keeps the deadline at arrival + deadline_days_after_arrival
    # (or effective_date for people already present when the program starts).
    registration_period_days: Annotated[int, Field(ge=0, le=3650)] = 0
    citizens_exempt: bool = True
    criteria: list[Criterion] = []
    questions: list[Question]


class Document(Strict):
    """A document whose holder counts as already registered (8 CFR 264.1(b))."""

    code: Slug
    name: LocalizedText
    reference: str = ""
    expired_still_counts: bool = False


class Exemption(Strict):
    code: Slug
    reason: LocalizedText
    reference: str = ""


class Purpose(Strict):
    """A purpose an officer may state to read a record, with its legal basis."""

    code: Slug
    label: LocalizedText
    # The purpose as the person reads it at the end of a sentence in their access log
    # ("An officer opened your case to process your registration"); the label is shown
    # where it is absent.
    why: LocalizedText = {}
    legal_basis: str
    requires_reference: bool = False
    # For looking through a person's entries in the audit log (the auditor's console),
    # never for opening the record itself.
    audit_only: bool = False


ExpungementGround = Literal[
    "naturalisation", "citizenship-confirmed", "unlawful-storage", "court-order"
]
"""Grounds on which a person's record is expunged at once (apps.retention)."""


class Retention(Strict):
    """How long records are kept (apps.retention applies it daily; docs/programs.md).

    Each period runs from the case's last change: a draft's last save, the decision of a
    rejected or withdrawn case, the departure date of a departed person, the last
    activity (case change or address report) of a registered person. A person is
    expunged when every one of their cases is past its period. `expunge_on` lists the
    grounds for expunging at once; "citizenship-confirmed" and "court-order" apply to
    every program whether listed or not (a registry has no mandate over citizens, and a
    court outranks a program file). A retention run that would expunge more than
    `bulk_approval_above` persons waits for a privacy officer's approval."""

    draft_days: Annotated[int, Field(ge=1)]
    registered_years_after_last_activity: Annotated[int, Field(ge=1)]
    departed_years: Annotated[int, Field(ge=0)]
    rejected_years: Annotated[int, Field(ge=0)]
    withdrawn_days: Annotated[int, Field(ge=0)]
    expunge_on: list[ExpungementGround]
    bulk_approval_above: Annotated[int, Field(ge=0)] = 50


class Redress(Strict):
    """Deadlines for the person's requests (issue 7, apps.rights): days from filing
    by which an officer must decide a correction request or a complaint; an open one
    past its deadline escalates to the privacy officer."""

    correction_days: Annotated[int, Field(ge=1, le=365)] = 30
    complaint_days: Annotated[int, Field(ge=1, le=365)] = 30


class Biometrics(Strict):
    """Biometric capture and de-duplication (issue 5, apps.biometrics). A candidate is
    an enrolled person whose face is nearer than `face_match_distance` (euclidean,
    dlib embeddings) or whose finger scores at least `finger_match_score` (Bozorth3);
    candidates go to a human, never to an automatic refusal. Raw images are dropped
    once templates are made unless `keep_photo` / `keep_fingerprint_images` say so."""

    face_match_distance: Annotated[float, Field(gt=0, le=2)] = 0.6
    finger_match_score: Annotated[int, Field(ge=1, le=1000)] = 40
    nfiq2_minimum: Annotated[int, Field(ge=0, le=100)] = 20
    keep_photo: bool = True
    keep_fingerprint_images: bool = False
    candidates: Annotated[int, Field(ge=1, le=100)] = 10


class ProofPolicy(Strict):
    """The proof of registration (issue 6, apps.proofs). `holder_binding` says how a
    verifier ties a proof to the person holding it: "card_photo" (the QR carries the
    printed card's number; the card carries the photo; the QR fits a version-12 QR at
    level M) or "qr_thumbnail" (a small face thumbnail inside the QR, which then needs
    a larger QR, about version 25). A proof is valid `validity_months` from issue."""

    holder_binding: Literal["card_photo", "qr_thumbnail"] = "card_photo"
    validity_months: Annotated[int, Field(ge=1, le=120)] = 60


class Notice(Strict):
    version: str
    published: dt.date
    text: LocalizedText

    def digest(self, language: str) -> str:
        """Identifies exactly which text was shown, so a record of the showing can be
        matched to the words the person saw even after the file changes."""
        body = f"{self.version}\n{language}\n{self.text[language]}".encode()
        return hashlib.sha256(body).hexdigest()


class ProgramHeader(Strict):
    slug: Slug
    version: str
    kind: ProgramKind
    title: LocalizedText
    legal_basis: str
    effective_date: dt.date
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]]
    fee: Annotated[int, Field(ge=0)] = 0
    # The country whose law this is (ISO 3166-1 alpha-2): its name, its people and its
    # territories may be named in texts ("U.S. citizens"); every other country may not.
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    # What people gain by applying to a voluntary program, in every language (rule ND-4:
    # a voluntary program must say what it offers).
    benefit: LocalizedText = {}


class Program(Strict):
    program: ProgramHeader
    eligibility: Eligibility
    documents: list[Document] = []
    exemptions: list[Exemption] = []
    form: Form
    purposes: list[Purpose]
    retention: Retention
    redress: Redress = Redress()
    biometrics: Biometrics = Biometrics()
    proof: ProofPolicy = ProofPolicy()
    notice: Notice

    @property
    def slug(self) -> str:
        return self.program.slug

    @model_validator(mode="after")
    def _every_text_in_every_language(self) -> "Program":
        """A notice or label missing in one language would leave someone unable to
        read what applies to them: refuse the file instead."""
        languages = set(self.program.languages)
        missing: list[str] = []

        def check(where: str, text: LocalizedText, *, optional: bool = False) -> None:
            if optional and not text:
                return
            absent = languages - set(text)
            if absent:
                missing.append(f"{where} lacks {', '.join(sorted(absent))}")

        check("program.title", self.program.title)
        if self.program.benefit:
            check("program.benefit", self.program.benefit)
        check("notice.text", self.notice.text)
        for q in self.eligibility.questions:
            check(f"eligibility.questions[{q.code}].label", q.label)
        for d in self.documents:
            check(f"documents[{d.code}].name", d.name)
        for e in self.exemptions:
            check(f"exemptions[{e.code}].reason", e.reason)
        for s in self.form.sections:
            check(f"form.sections[{s.key}].title", s.title)
            check(f"form.sections[{s.key}].child_title", s.child_title, optional=True)
            for f in s.fields:
                check(f"form field {f.name}.label", f.label)
                check(f"form field {f.name}.child_label", f.child_label, optional=True)
                check(f"form field {f.name}.child_help", f.child_help, optional=True)
                for c in f.choices:
                    check(f"form field {f.name} choice {c.code}", c.label)
        for p in self.purposes:
            check(f"purposes[{p.code}].label", p.label)
            check(f"purposes[{p.code}].why", p.why, optional=True)
        if missing:
            raise ValueError("; ".join(missing))
        names = [f.name for f in self.form.fields()]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"form field names repeat: {', '.join(duplicates)}")
        return self

    def text(self, text: LocalizedText, language: str) -> str:
        return text.get(language) or text[self.program.languages[0]]

    def section_title(self, section: FormSection, language: str, *, for_child: bool) -> str:
        """The section's title as the person filing reads it: about a child when a
        parent or guardian files for one."""
        return self.text(
            section.child_title if for_child and section.child_title else section.title, language
        )

    def field_label(self, field: FormField, language: str, *, for_child: bool) -> str:
        return self.text(
            field.child_label if for_child and field.child_label else field.label, language
        )

    def field_help(self, field: FormField, language: str, *, for_child: bool) -> str:
        text = field.child_help if for_child and field.child_help else field.help
        return self.text(text, language) if text else ""

    def document(self, code: str) -> Document | None:
        return next((d for d in self.documents if d.code == code), None)

    def exemption(self, code: str) -> Exemption | None:
        return next((e for e in self.exemptions if e.code == code), None)

    def purpose(self, code: str) -> Purpose | None:
        return next((p for p in self.purposes if p.code == code), None)

"""Validation of registration forms, driven by the program's field list.

One validator for the page and the API, so they cannot disagree. It is strict about
types (a JSON number is not a name) because coercing silently would store something the
person did not write. It returns clean values or raises FormInvalid with one message per
field path (e.g. `address_history[1].from`), and it never writes anything.
"""

import datetime as dt
import re
from typing import Any

import pycountry
from django.utils.translation import gettext as _

from apps.programs.schema import FieldType, FormField, Program
from registry.errors import FormInvalid

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ADDRESS_KEYS = {"line1", "line2", "city", "region", "postal_code", "country", "from", "to"}
ADDRESS_REQUIRED = ("line1", "city", "country", "from")
OLDEST_AGE_YEARS = 130
COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)

Errors = dict[str, list[str]]


def validate_form(
    program: Program, data: Any, *, partial: bool, for_child: bool, today: dt.date
) -> dict[str, Any]:
    """Check `data` against the program's form. With `partial`, missing required
    fields are allowed (a draft); types, lengths and dates are always checked."""
    errors: Errors = {}
    if not isinstance(data, dict):
        raise FormInvalid(_("The form must be a JSON object of field names to values."))
    known = {f.name: f for f in program.form.fields()}
    for name in sorted(set(data) - set(known)):
        errors.setdefault(str(name)[:64], []).append(
            _("Unknown field. Remove it; the form's fields are listed in the program.")
        )
    clean: dict[str, Any] = {}
    for name, spec in known.items():
        value = _clean_field(spec, data.get(name), errors, name, today)
        if _is_empty(value):
            if spec.required and not partial:
                errors.setdefault(name, []).append(_("This field is required."))
            continue
        clean[name] = value
    _check_across_fields(program, clean, errors, partial=partial, for_child=for_child, today=today)
    if errors:
        raise FormInvalid(_("Some answers need correcting; see each field."), fields=errors)
    return clean


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", [])


def _clean_field(spec: FormField, value: Any, errors: Errors, path: str, today: dt.date) -> Any:
    if value is None:
        return None
    cleaner = {
        FieldType.TEXT: _clean_text,
        FieldType.TEXTAREA: _clean_text,
        FieldType.DATE: _clean_date_field,
        FieldType.COUNTRY: _clean_country,
        FieldType.CHOICE: _clean_choice,
        FieldType.BOOLEAN: _clean_boolean,
        FieldType.TEXT_LIST: _clean_text_list,
        FieldType.ADDRESS_HISTORY: _clean_addresses,
    }[spec.type]
    return cleaner(spec, value, errors, path, today)


def _add(errors: Errors, path: str, message: str) -> None:
    errors.setdefault(path, []).append(message)


def _clean_text(spec: FormField, value: Any, errors: Errors, path: str, _today: dt.date) -> Any:
    if not isinstance(value, str):
        _add(errors, path, _("Expected text."))
        return None
    text = value.strip()
    if len(text) > spec.max_length:
        _add(
            errors,
            path,
            _("At most %(limit)d characters (this has %(length)d).")
            % {"limit": spec.max_length, "length": len(text)},
        )
        return None
    multiline = spec.type is FieldType.TEXTAREA
    if _CONTROL.search(text) or (not multiline and ("\n" in text or "\r" in text)):
        _add(errors, path, _("Remove control characters and line breaks."))
        return None
    return text


def _parse_date(value: Any, errors: Errors, path: str, today: dt.date) -> dt.date | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        _add(errors, path, _("Expected a date as YYYY-MM-DD."))
        return None
    try:
        parsed = dt.date.fromisoformat(value.strip())
    except ValueError:
        _add(errors, path, _("This date does not exist."))
        return None
    if parsed > today:
        _add(errors, path, _("This date is in the future."))
        return None
    if parsed.year < today.year - OLDEST_AGE_YEARS:
        _add(errors, path, _("This date is too far in the past."))
        return None
    return parsed


def _clean_date_field(
    _spec: FormField, value: Any, errors: Errors, path: str, today: dt.date
) -> Any:
    if value == "":
        return None
    parsed = _parse_date(value, errors, path, today)
    return parsed.isoformat() if parsed else None


def _clean_country(spec: FormField, value: Any, errors: Errors, path: str, _today: dt.date) -> Any:
    if value == "":
        return None
    if not isinstance(value, str) or value.strip().upper() not in COUNTRY_CODES:
        _add(errors, path, _("Expected a country code (ISO 3166, two letters, e.g. MX)."))
        return None
    return value.strip().upper()


def _clean_choice(spec: FormField, value: Any, errors: Errors, path: str, _today: dt.date) -> Any:
    if value == "":
        return None
    codes = [c.code for c in spec.choices]
    if not isinstance(value, str) or value not in codes:
        _add(errors, path, _("Choose one of: %(choices)s.") % {"choices": ", ".join(codes)})
        return None
    return value


def _clean_boolean(_spec: FormField, value: Any, errors: Errors, path: str, _today: dt.date) -> Any:
    if not isinstance(value, bool):
        _add(errors, path, _("Expected true or false."))
        return None
    return value


def _clean_text_list(spec: FormField, value: Any, errors: Errors, path: str, today: dt.date) -> Any:
    if not isinstance(value, list):
        _add(errors, path, _("Expected a list of texts."))
        return None
    if len(value) > spec.max_items:
        _add(errors, path, _("At most %(limit)d entries.") % {"limit": spec.max_items})
        return None
    items = [_clean_text(spec, item, errors, f"{path}[{i}]", today) for i, item in enumerate(value)]
    return [item for item in items if item]


def _clean_addresses(spec: FormField, value: Any, errors: Errors, path: str, today: dt.date) -> Any:
    if not isinstance(value, list):
        _add(errors, path, _("Expected a list of addresses."))
        return None
    if len(value) > spec.max_items:
        _add(errors, path, _("At most %(limit)d addresses.") % {"limit": spec.max_items})
        return None
    cleaned = []
    for i, item in enumerate(value):
        address = clean_address(item, errors, f"{path}[{i}]", today)
        if address:  # an empty row of the page's address table is skipped
            cleaned.append(address)
    return cleaned


_ADDRESS_LINE = FormField(name="line", type=FieldType.TEXT, label={}, max_length=200)


def clean_address(item: Any, errors: Errors, where: str, today: dt.date) -> dict[str, Any]:
    if not isinstance(item, dict):
        _add(errors, where, _("Expected an address object."))
        return {}
    for key in sorted(set(item) - ADDRESS_KEYS):
        _add(errors, f"{where}.{str(key)[:32]}", _("Unknown address part."))
    cleaners = {
        **dict.fromkeys(("line1", "line2", "city", "region", "postal_code"), _clean_text),
        "country": _clean_country,
        "from": _clean_date_field,
        "to": _clean_date_field,
    }
    address: dict[str, Any] = {}
    for key, cleaner in cleaners.items():
        if item.get(key) not in (None, ""):
            address[key] = cleaner(_ADDRESS_LINE, item[key], errors, f"{where}.{key}", today)
    if not any(address.values()):
        return {}
    for key in ADDRESS_REQUIRED:
        if key not in address:
            _add(errors, f"{where}.{key}", _("This part of the address is required."))
    if address.get("from") and address.get("to") and address["to"] < address["from"]:
        _add(errors, f"{where}.to", _("The end date is before the start date."))
    return address


def _check_across_fields(
    program: Program,
    clean: dict[str, Any],
    errors: Errors,
    *,
    partial: bool,
    for_child: bool,
    today: dt.date,
) -> None:
    form = program.form
    birth = _value_of(form.field_with_meaning("birth_date"), clean)
    entry_field = form.field_with_meaning("entry_date")
    entry = _value_of(entry_field, clean)
    if birth and entry and entry_field and entry < birth:
        _add(errors, entry_field.name, _("The entry date is before the date of birth."))
    addresses_field = form.field_with_meaning("address_history")
    for i, address in enumerate(_value_of(addresses_field, clean) or []):
        if birth and addresses_field and address.get("from") and address["from"] < birth:
            _add(
                errors,
                f"{addresses_field.name}[{i}].from",
                _("This address starts before the date of birth."),
            )
    if birth:
        _check_age(
            program,
            form.field_with_meaning("birth_date"),
            birth,
            errors,
            for_child=for_child,
            today=today,
        )
    oath = form.field_with_meaning("oath")
    if oath and not partial and clean.get(oath.name) is not True and oath.name not in errors:
        _add(
            errors, oath.name, _("You must sign under oath to submit; nothing is filed without it.")
        )


def _check_age(
    program: Program,
    field: FormField | None,
    birth: str,
    errors: Errors,
    *,
    for_child: bool,
    today: dt.date,
) -> None:
    limit = program.eligibility.child_below_age
    if not field or not limit:
        return
    born = dt.date.fromisoformat(birth)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if for_child and age >= limit:
        _add(
            errors,
            field.name,
            _("A parent files only for a child under %(age)d; this person must file themselves.")
            % {"age": limit},
        )
    if not for_child and age < limit:
        _add(
            errors,
            field.name,
            _("Under %(age)d, a parent or guardian files the registration.") % {"age": limit},
        )


def _value_of(field: FormField | None, clean: dict[str, Any]) -> Any:
    return clean.get(field.name) if field else None

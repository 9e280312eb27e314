"""Registrant pages after filing: report a move, record a departure, answer a request
for evidence. Each view: authorize, call one casework service, render."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.permissions import Permission
from apps.registrations import casework
from apps.registrations.forms import DateInput, countries
from apps.registrations.lookups import case_for
from apps.registrations.models import Registration
from registry.errors import DomainError


class AddressForm(forms.Form):
    line1 = forms.CharField(label=gettext_lazy("Street and number"), max_length=200)
    line2 = forms.CharField(label=gettext_lazy("Apartment, unit"), max_length=200, required=False)
    city = forms.CharField(label=gettext_lazy("City"), max_length=200)
    region = forms.CharField(label=gettext_lazy("State or region"), max_length=200, required=False)
    postal_code = forms.CharField(label=gettext_lazy("Postal code"), max_length=200, required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"))
    moved_on = forms.DateField(label=gettext_lazy("Date you moved"), widget=DateInput)

    def __init__(self, language: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["country"].choices = [("", "—"), *countries(language)]  # type: ignore[attr-defined]


class DepartureForm(forms.Form):
    departed_on = forms.DateField(label=gettext_lazy("Date of departure"), widget=DateInput)
    port = forms.CharField(label=gettext_lazy("Port of departure"), max_length=100)


def _own_case(request: HttpRequest, case_number: str, permission: Permission) -> Registration:
    return case_for(request.user, permission, case_number)[1]


def report_address(request: HttpRequest, case_number: str) -> HttpResponse:
    """address:own:report. A late report is accepted and marked late."""
    registration = _own_case(request, case_number, Permission.ADDRESS_REPORT_OWN)
    form = AddressForm(request.LANGUAGE_CODE, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        moved_on: dt.date = data.pop("moved_on")
        try:
            change = casework.report_address_change(
                request.user,  # type: ignore[arg-type]
                registration.person,
                address={k: v for k, v in data.items() if v},
                moved_on=moved_on,
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            if change.late:
                messages.warning(
                    request,
                    _("Address recorded. It was reported more than 10 days after the move."),
                )
            else:
                messages.success(request, _("Address recorded."))
            return redirect("registrations:case", case_number=registration.case_number)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "registration": registration}
    return render(request, "registrations/address.html", context, status=status)


def record_departure(request: HttpRequest, case_number: str) -> HttpResponse:
    """departure:own:record. Only a registered case can depart."""
    registration = _own_case(request, case_number, Permission.DEPARTURE_RECORD_OWN)
    form = DepartureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            casework.record_departure(
                request.user,  # type: ignore[arg-type]
                registration,
                departed_on=form.cleaned_data["departed_on"],
                port=form.cleaned_data["port"],
            )
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Departure recorded."))
            return redirect("registrations:case", case_number=registration.case_number)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "registration": registration}
    return render(request, "registrations/departure.html", context, status=status)


@require_POST
def respond_to_evidence_request(request: HttpRequest, case_number: str) -> HttpResponse:
    """registration:own:read. Sends the case back to the officers' queue."""
    registration = _own_case(request, case_number, Permission.REGISTRATION_READ_OWN)
    try:
        casework.respond_to_evidence_request(request.user, registration)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. Your case is back with an officer."))
    return redirect("registrations:case", case_number=registration.case_number)

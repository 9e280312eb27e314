"""The citizenship-claim banner on every console view of a person's case: while a
claim is open, officers see it on the case page and the record page (where every
decision and every read happens), so nobody shares the record or acts against the
person by mistake.

Queue and search rows carry no flag yet: the console holds those pages to a fixed
number of queries, so the flag belongs in the rows' own query (an Exists() on
rights_citizenshipclaim in apps/console/queries.py), not in a query of its own."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.registrations.models import Registration
from apps.rights.models import CitizenshipClaim, ClaimState

register = template.Library()
# Inline, so the banner shows on any page that uses the tag whatever its stylesheet.
STYLE = (
    "border:2px solid #b42318;background:#fdecea;color:#5c0f0a;padding:.5rem 1rem;"
    "margin:.5rem 0;border-radius:4px"
)


@register.simple_tag
def citizenship_claim_banner(registration: Registration) -> SafeString:
    """A banner when the case's person has an open citizenship claim; nothing else."""
    claim = CitizenshipClaim.objects.filter(
        person_id=registration.person_id, state=ClaimState.OPEN
    ).first()
    if claim is None:
        return SafeString("")
    return format_html(
        '<div class="banner citizenship-claim" role="alert" id="citizenship-claim-banner"'
        ' style="{}">'
        "<strong>{}</strong> {}</div>",
        STYLE,
        _("Open claim of US citizenship."),
        _(
            "Nothing about this person may be disclosed outside the registry and no "
            "adverse decision may be taken until the privacy officer resolves the claim "
            "(recorded %(day)s)."
        )
        % {"day": claim.recorded_at.date().isoformat()},
    )

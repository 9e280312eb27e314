"""The rows of a queue or of search results, written by one Python loop.

A page holds 50 rows; drawn with {% for %}, {% url %} and |date they cost more than the
query that finds them (about 6 of 8 ms, measured with bench/console.py), as in Django's
admin, whose change list builds its rows with format_html for the same reason."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.console.queries import CaseRow

register = template.Library()

ROW = (
    '<tr data-case="{}"><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
    "<td>{}</td><td>{}{}{}</td></tr>"
)


@register.simple_tag
def case_rows(rows: list[CaseRow], empty_text: str) -> SafeString:
    if not rows:
        return format_html('<tr><td colspan="6">{}</td></tr>', empty_text)
    # Case numbers are letters, digits and dashes: one reversed URL serves as a pattern.
    pattern = reverse("console:case", args=["CASE-NUMBER"])
    overdue = format_html(' <span class="flag-overdue">{}</span>', _("Overdue"))
    claim = format_html(
        ' <span class="flag-claim" role="status">{}</span>', _("Citizenship claim open")
    )
    return format_html_join(
        "\n",
        ROW,
        (
            (
                row.case_number,
                pattern.replace("CASE-NUMBER", row.case_number),
                row.case_number,
                row.state_label,
                row.office_code or "—",
                timezone.localtime(row.submitted_at).strftime("%Y-%m-%d %H:%M"),
                row.assigned_to or "—",
                row.due_on.isoformat() if row.due_on else "—",
                overdue if row.overdue else "",
                claim if row.citizenship_claim else "",
            )
            for row in rows
        ),
    )

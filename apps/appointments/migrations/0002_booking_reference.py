"""Every booking gets a short reference people can read out; a rescheduled booking
shares the reference of the booking it replaced."""

import secrets

from django.db import migrations, models

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # as apps/appointments/references.py


def give_references(apps, schema_editor):
    Booking = apps.get_model("appointments", "Booking")
    used: set[str] = set()
    # Oldest first, so a booking's predecessor already has its reference.
    for booking in Booking.objects.order_by("created_at", "id"):
        if booking.replaces_id is not None:
            reference = Booking.objects.get(pk=booking.replaces_id).reference
        else:
            while True:
                code = "".join(secrets.choice(ALPHABET) for _ in range(6))
                reference = f"{code[:3]}-{code[3:]}"
                if reference not in used:
                    break
        used.add(reference)
        Booking.objects.filter(pk=booking.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0001_offices_and_bookings"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="reference",
            field=models.CharField(default="", max_length=7),
            preserve_default=False,
        ),
        migrations.RunPython(give_references, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "booked")),
                fields=("reference",),
                name="appointment_active_reference",
            ),
        ),
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(fields=["reference"], name="appointment_booking_reference"),
        ),
    ]

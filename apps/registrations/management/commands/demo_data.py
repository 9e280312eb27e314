"""Demo accounts (one per role) and a few filed registrations, for `make run`.

Idempotent: running it again keeps what exists. Refuses to run with DEBUG=0 so demo
passwords never reach a real deployment."""

import base64
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import STAFF_ROLES, Role
from apps.registrations import services

DEMO_PASSWORD = "demo-registry-2025"  # noqa: S105 - demo only; refused when DEBUG=0
# One shared, published TOTP secret for the demo staff accounts (development only).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - refused when DEBUG=0
DEMO_OFFICES = [
    ("NWK", "Newark Application Support Center", "Newark", "NJ"),
    ("BKN", "Brooklyn Application Support Center", "Brooklyn", "NY"),
]
DEMO_ACCOUNTS = [
    ("amal@example.org", Role.REGISTRANT),
    ("gabriela@example.org", Role.GUARDIAN),
    ("olu.officer@example.org", Role.OFFICER),
    ("sam.supervisor@example.org", Role.SUPERVISOR),
    ("priya.privacy@example.org", Role.PRIVACY_OFFICER),
    ("ali.auditor@example.org", Role.AUDITOR),
    ("ada.admin@example.org", Role.ADMIN),
]
# A second privacy officer: a program is in force only when two privacy officers other
# than its proposer approve it (issue 15). Ada proposes, Priya and Paulo approve.
SECOND_PRIVACY_OFFICER = "paulo.privacy@example.org"


def demo_form(family: str, given: str, birth: str, passport: str) -> dict[str, Any]:
    return {
        "family_name": family,
        "given_names": given,
        "aliases": [],
        "birth_date": birth,
        "birth_city": "Guadalajara",
        "birth_country": "MX",
        "nationality": "MX",
        "passport_number": passport,
        "entry_date": "2024-09-01",
        "entry_place": "San Ysidro, CA",
        "entry_manner": "inspected",
        "address_history": [
            {
                "line1": "100 Main St",
                "city": "San Diego",
                "region": "CA",
                "country": "US",
                "from": "2024-09-01",
            }
        ],
        "intended_stay": "over-12-months",
        "activities": "Studying",
        "criminal_record": False,
        "signature_name": f"{given} {family}",
        "oath_accepted": True,
    }


class Command(BaseCommand):
    help = "Create demo accounts (one per role) and sample registrations."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data is for development only (DEBUG=1).")
        users = {}
        for email, role in DEMO_ACCOUNTS:
            user = self._account(email, role)
            users[role] = user
            if role in STAFF_ROLES:
                self._staff_device(user)
        paulo = self._account(SECOND_PRIVACY_OFFICER, Role.PRIVACY_OFFICER)
        self._staff_device(paulo)
        self._programs(users[Role.ADMIN], [users[Role.PRIVACY_OFFICER], paulo])
        self._offices()
        amal = users[Role.REGISTRANT]
        if not amal.filings.exists():
            services.file_registration(
                amal,
                program_slug=settings.REGISTRY_DEFAULT_PROGRAM,
                for_child=False,
                data=demo_form("Haddad", "Amal", "1990-03-14", "X1234567"),
                language="en",
                idempotency_key="demo-amal",
            )
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for email, role in [*DEMO_ACCOUNTS, (SECOND_PRIVACY_OFFICER, Role.PRIVACY_OFFICER)]:
            self.stdout.write(f"  {role.value:<16} {email}")
        self.stdout.write(
            "Staff also confirm a TOTP code. Add this demo secret to an authenticator app "
            f"(or run `oathtool --totp -b {DEMO_TOTP_SECRET}`): {DEMO_TOTP_SECRET}"
        )

    def _account(self, email: str, role: Role) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                username=email,
                email=email,
                password=DEMO_PASSWORD,
                role=role.value,
                email_verified_at=timezone.now(),
                is_staff=role is Role.ADMIN,
                is_superuser=role is Role.ADMIN,
                # A name, so that the public page names the officials who approved.
                first_name=email.split("@", maxsplit=1)[0].split(".", maxsplit=1)[0].title(),
            )
        return user

    def _programs(self, proposer: User, approvers: list[User]) -> None:
        """Put each program file in force the way a deployment does: the administrator
        proposes it, two privacy officers approve its digest (apps.programs.services,
        audited and published). A file whose text is in force already is left alone."""
        from apps.programs import services as programs
        from apps.programs.loader import program_files
        from apps.programs.models import ProgramVersion, VersionStatus

        for path in program_files():
            digest = programs.digest_of(path.read_text(encoding="utf-8"))
            if ProgramVersion.objects.filter(
                slug=path.stem, digest=digest, status=VersionStatus.ACTIVE
            ).exists():
                continue
            version = programs.propose(proposer, path.stem)
            for approver in approvers:
                if not version.approvals.filter(approver=approver).exists():
                    programs.approve(approver, version, digest=version.digest)
            self.stdout.write(f"Program {version.slug} {version.version} in force ({digest[:12]})")

    def _offices(self) -> None:
        # A development convenience that reaches into apps.appointments (which depends
        # on this app, not the reverse): demo data is the one place that sets up both.
        import datetime as dt

        from apps.appointments.models import Office, OpeningHours

        for code, name, city, region in DEMO_OFFICES:
            office, created = Office.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "region": region,
                    "address": f"100 Federal Plaza\n{city}, {region}",
                    "timezone": "America/New_York",
                    "slot_minutes": 30,
                    "capacity_per_slot": 2,
                },
            )
            if created:
                for weekday in range(5):
                    OpeningHours.objects.create(
                        office=office, weekday=weekday, opens=dt.time(9), closes=dt.time(17)
                    )

    def _staff_device(self, user: User) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        if not TOTPDevice.objects.filter(user=user).exists():
            key = base64.b32decode(DEMO_TOTP_SECRET).hex()
            TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)

"""``manage.py program check|list|show``: program files from the command line.

``check`` is what CI and a policy author run on a file before it is deployed: it prints
one OK line per accepted file, and for a refused or invalid one the rule, criterion,
location and fix on stderr, and exits 2. This is the one place program errors become an
exit code.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.programs.errors import ProgramError, ProgramNotFound, ProgramRejected
from apps.programs.loader import check_program_file, get_program, program_files
from apps.programs.models import ProgramVersion, VersionStatus
from apps.programs.schema import Program
from apps.programs.services import digest_of

EXIT_REFUSED = 2  # refused, invalid or missing program file


class Command(BaseCommand):
    help = "Check program files, list the deployed programs, or show one program."
    # Checking a policy file must work before the rest of the project is configured.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser("check", help="lint and validate program files")
        check.add_argument("files", nargs="+", type=Path, metavar="FILE")
        check.add_argument(
            "--strict",
            action="store_true",
            help="refuse a file for warnings too (a rule that may stand in for a trait)",
        )
        actions.add_parser("list", help="program files and whether their text is in force")
        show = actions.add_parser("show", help="summary of the version in force of a program")
        show.add_argument("slug", metavar="SLUG")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check":
            self.check_files(options["files"], strict=options["strict"])
        elif action == "list":
            self.list_programs()
        else:
            self.show(options["slug"])

    def check_files(self, files: list[Path], *, strict: bool = False) -> None:
        failed = 0
        for path in files:
            try:
                checked = check_program_file(path, strict=strict)
            except ProgramError as error:
                failed += 1
                self.report(error)
                continue
            program = checked.program
            for warning in checked.warnings:
                self.stdout.write(
                    "\n".join(
                        [
                            f"WARNING {path}",
                            f"  rule:      {warning.rule}",
                            f"  element:   {warning.element}",
                            f"  location:  {warning.location}",
                            f"  problem:   {warning.message}",
                        ]
                    )
                )
            noted = f" ({len(checked.warnings)} warnings)" if checked.warnings else ""
            self.stdout.write(
                f"OK {program.slug} {program.program.version}: "
                f"{len(program.documents)} documents, {len(program.form.fields())} form "
                f"fields, languages {', '.join(program.program.languages)}{noted}"
            )
        if failed:
            raise CommandError(
                f"{failed} of {len(files)} program files refused or invalid",
                returncode=EXIT_REFUSED,
            )

    def list_programs(self) -> None:
        """Each file in REGISTRY_PROGRAMS_DIR, and whether its text is in force."""
        try:
            files = program_files()
        except ProgramError as error:
            self.report(error)
            raise CommandError("no programs directory", returncode=EXIT_REFUSED) from error
        failed = 0
        for path in files:
            try:
                program = check_program_file(path).program
            except ProgramError as error:
                failed += 1
                self.report(error)
                continue
            header = program.program
            self.stdout.write(
                f"{program.slug}\t{header.version}\t{header.kind}\t{header.effective_date}\t"
                f"{file_state(program.slug, path)}\t{program.text(header.title, 'en')}"
            )
        if failed:
            raise CommandError(
                f"{failed} program files refused or invalid", returncode=EXIT_REFUSED
            )

    def show(self, slug: str) -> None:
        """The version in force (what the system runs), not the file on disk."""
        try:
            program = get_program(slug)
        except ProgramError as error:
            self.report(error)
            raise CommandError(f"cannot show program {slug!r}", returncode=EXIT_REFUSED) from error
        for line in summary(program):
            self.stdout.write(line)

    def report(self, error: ProgramError) -> None:
        """The error on stderr, one labelled line per fact, so a person can act on it."""
        verdict = {ProgramRejected.code: "REFUSED", ProgramNotFound.code: "NOT FOUND"}.get(
            error.code, "INVALID"
        )
        lines = [f"{verdict} {error.source}".rstrip()]
        if error.rule:
            lines.append(f"  rule:      {error.rule}")
        if error.element:
            lines.append(f"  element:   {error.element}")
        if error.criterion:
            lines.append(f"  criterion: {error.criterion}")
        if error.location:
            lines.append(f"  location:  {error.location}")
        lines.append(f"  problem:   {error.message}")
        lines += [f"  also:      {detail}" for detail in error.details]
        self.stderr.write("\n".join(lines))


def file_state(slug: str, path: Path) -> str:
    """ "in force", "proposed" (awaiting approval) or "not proposed" for this file's text."""
    digest = digest_of(path.read_text(encoding="utf-8"))
    states = dict(
        ProgramVersion.objects.filter(slug=slug, digest=digest).values_list("status", "digest")
    )
    if VersionStatus.ACTIVE in states:
        return "in force"
    if VersionStatus.PROPOSED in states:
        return "proposed"
    return "not proposed"


def summary(program: Program) -> list[str]:
    """A plain-text overview of a program, in English, for operators."""
    header, rules, retention = program.program, program.eligibility, program.retention
    who = [f"aged {rules.min_age}+", f"present {rules.min_days_present}+ days"]
    if rules.child_below_age:
        who.append(
            f"children under {rules.child_below_age} registered by a parent or guardian "
            f"(re-register within {rules.child_reregister_days} days of turning "
            f"{rules.child_below_age})"
        )
    if rules.citizens_exempt:
        who.append("citizens exempt")
    criteria = [f"{c.attribute} {c.op} {c.value}" for c in rules.criteria] or ["none"]
    lines = [
        f"{program.slug} {header.version} ({header.kind}): {program.text(header.title, 'en')}",
        f"legal basis: {header.legal_basis}",
        f"effective {header.effective_date}; languages {', '.join(header.languages)}; "
        f"fee {header.fee}",
        f"who: {'; '.join(who)}",
        f"deadline: {rules.deadline_days_after_arrival} days after arrival, and not before "
        + (
            f"{rules.registration_period_days} days after the effective date"
            if rules.registration_period_days
            else "the effective date"
        ),
        f"criteria: {'; '.join(criteria)}",
        f"documents ({len(program.documents)}): {', '.join(d.code for d in program.documents)}",
        f"exemptions ({len(program.exemptions)}): "
        f"{', '.join(e.code for e in program.exemptions) or 'none'}",
    ]
    for section in program.form.sections:
        names = [f.name + ("*" if f.required else "") for f in section.fields]
        lines.append(f"form {section.key}: {', '.join(names)}")
    lines += [
        f"purposes: {', '.join(p.code for p in program.purposes)}",
        f"retention: drafts {retention.draft_days} days; registered "
        f"{retention.registered_years_after_last_activity} years after last activity; "
        f"departed {retention.departed_years} years; rejected {retention.rejected_years} "
        f"years; withdrawn {retention.withdrawn_days} days; expunged on "
        f"{', '.join(retention.expunge_on)}",
        f"notice {program.notice.version}, published {program.notice.published}: "
        + ", ".join(f"{lang} {program.notice.digest(lang)[:12]}" for lang in header.languages),
    ]
    return lines

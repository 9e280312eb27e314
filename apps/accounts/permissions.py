"""Roles and permissions: the one table that says who may do what.

Permissions are named `resource:scope:action` (as in PyPI's warehouse). A permission
with scope `own` applies only to objects the user owns (their own registrations, or
those of a child they file for); `apps.accounts.policies.authorize` enforces that.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    REGISTRANT = "registrant"
    GUARDIAN = "guardian"
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    PRIVACY_OFFICER = "privacy_officer"
    AUDITOR = "auditor"
    ADMIN = "admin"
    # The account behind a partner agency's API client (one per data-sharing agreement).
    # It holds no permission: the partner API checks the agreement instead, and the
    # account has no password, so it cannot sign in to any page.
    PARTNER = "partner"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.REGISTRANT: _("Registrant"),
    Role.GUARDIAN: _("Parent or guardian"),
    Role.OFFICER: _("Registration officer"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.PRIVACY_OFFICER: _("Privacy officer"),
    Role.AUDITOR: _("Auditor"),
    Role.ADMIN: _("Administrator"),
    Role.PARTNER: _("Partner agency (API client)"),
}

# Roles that people get by signing up; every other role is granted by an administrator.
# Staff roles must also have passed a second factor (TOTP) in the current session.
SELF_SERVICE_ROLES = (Role.REGISTRANT, Role.GUARDIAN)
STAFF_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.PRIVACY_OFFICER, Role.AUDITOR, Role.ADMIN)


class Permission(StrEnum):
    ELIGIBILITY_CHECK = "eligibility:own:check"
    REGISTRATION_FILE_OWN = "registration:own:file"
    REGISTRATION_FILE_CHILD = "registration:child:file"
    REGISTRATION_READ_OWN = "registration:own:read"
    ACCESS_LOG_READ_OWN = "audit:own:read"
    PERSON_READ_ANY = "person:any:read"
    AUDIT_LOG_READ = "audit:log:read"
    AUDIT_LOG_VERIFY = "audit:log:verify"
    PERSON_KEY_DESTROY = "vault:key:destroy"
    PROGRAM_CHECK = "program:any:check"
    APPOINTMENT_BOOK_OWN = "appointment:own:book"
    APPOINTMENT_OFFICE_MANAGE = "appointment:office:manage"
    ADDRESS_REPORT_OWN = "address:own:report"
    DEPARTURE_RECORD_OWN = "departure:own:record"
    DEPARTURE_RECORD_ANY = "departure:any:record"
    CASE_QUEUE_READ = "case:queue:read"
    CASE_DECIDE = "case:any:decide"
    CASE_ASSIGN = "case:any:assign"
    CASE_DASHBOARD_READ = "case:dashboard:read"
    # biometrics (issue 5)
    BIOMETRICS_CAPTURE = "biometrics:any:capture"
    BIOMETRICS_VERIFY = "biometrics:any:verify"
    BIOMETRICS_ADJUDICATE = "biometrics:any:adjudicate"
    BIOMETRICS_REVIEW = "biometrics:any:review"
    BIOMETRICS_INDEX_MANAGE = "biometrics:index:manage"
    # proofs of registration (issue 6)
    PROOF_READ_OWN = "proof:own:read"
    PROOF_ISSUE_ANY = "proof:any:issue"
    PROOF_KEY_MANAGE = "proof:key:manage"
    # the person's rights and redress (issue 7)
    SUBJECT_ACCESS_OWN = "subject:own:export"
    CORRECTION_REQUEST_OWN = "correction:own:request"
    CORRECTION_DECIDE = "correction:any:decide"
    COMPLAINT_FILE_OWN = "complaint:own:file"
    COMPLAINT_DECIDE = "complaint:any:decide"
    REDRESS_ESCALATED_READ = "redress:escalated:read"
    DISCLOSURE_HOLD_PLACE = "audit:hold:place"
    CITIZENSHIP_CLAIM_OWN = "citizenship:own:claim"
    CITIZENSHIP_CLAIM_RECORD = "citizenship:any:record"
    CITIZENSHIP_CLAIM_RESOLVE = "citizenship:any:resolve"
    # retention and public statistics (issue 7)
    RETENTION_READ = "retention:run:read"
    RETENTION_APPROVE = "retention:run:approve"
    STATISTICS_RELEASE = "statistics:release:publish"
    STATISTICS_LEDGER_READ = "statistics:ledger:read"
    # data-sharing agreements with partner agencies (issue 8)
    AGREEMENT_RECORD = "agreement:any:record"
    AGREEMENT_APPROVE = "agreement:any:approve"
    # background jobs (issue 20): the schedule, its runs, the workers and the outbox
    JOB_RUNS_READ = "job:run:read"
    JOB_RUN_START = "job:run:start"
    # programs in force: four eyes, published (issue 15)
    PROGRAM_PROPOSE = "program:version:propose"
    PROGRAM_APPROVE = "program:version:approve"


_SELF = {
    Permission.ELIGIBILITY_CHECK,
    Permission.REGISTRATION_READ_OWN,
    Permission.ACCESS_LOG_READ_OWN,
    Permission.REGISTRATION_FILE_CHILD,
    Permission.APPOINTMENT_BOOK_OWN,
    Permission.ADDRESS_REPORT_OWN,
    Permission.DEPARTURE_RECORD_OWN,
    Permission.PROOF_READ_OWN,
    Permission.SUBJECT_ACCESS_OWN,
    Permission.CORRECTION_REQUEST_OWN,
    Permission.COMPLAINT_FILE_OWN,
    Permission.CITIZENSHIP_CLAIM_OWN,
}
_CASEWORK = {
    Permission.PERSON_READ_ANY,
    Permission.APPOINTMENT_OFFICE_MANAGE,
    Permission.DEPARTURE_RECORD_ANY,
    Permission.CASE_QUEUE_READ,
    Permission.CASE_DECIDE,
    Permission.BIOMETRICS_CAPTURE,
    Permission.BIOMETRICS_VERIFY,
    Permission.BIOMETRICS_ADJUDICATE,
    Permission.PROOF_ISSUE_ANY,
    Permission.CORRECTION_DECIDE,
    Permission.COMPLAINT_DECIDE,
    Permission.CITIZENSHIP_CLAIM_RECORD,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.REGISTRANT: frozenset(_SELF | {Permission.REGISTRATION_FILE_OWN}),
    # A guardian files only for children; they need not be registrants themselves.
    Role.GUARDIAN: frozenset(_SELF),
    Role.OFFICER: frozenset(_CASEWORK),
    Role.SUPERVISOR: frozenset(
        _CASEWORK
        | {
            Permission.CASE_ASSIGN,
            Permission.CASE_DASHBOARD_READ,
            # A supervisor reviews every "same person" decision and may hold back
            # entries of a person's log for a law-enforcement reason, for a time.
            Permission.BIOMETRICS_REVIEW,
            Permission.BIOMETRICS_INDEX_MANAGE,
            Permission.DISCLOSURE_HOLD_PLACE,
        }
    ),
    Role.PRIVACY_OFFICER: frozenset(
        {
            Permission.PERSON_READ_ANY,
            Permission.AUDIT_LOG_READ,
            Permission.AUDIT_LOG_VERIFY,
            Permission.PERSON_KEY_DESTROY,
            Permission.PROGRAM_CHECK,
            Permission.CORRECTION_DECIDE,
            Permission.COMPLAINT_DECIDE,
            Permission.REDRESS_ESCALATED_READ,
            Permission.CITIZENSHIP_CLAIM_RECORD,
            Permission.CITIZENSHIP_CLAIM_RESOLVE,
            Permission.RETENTION_READ,
            Permission.RETENTION_APPROVE,
            Permission.STATISTICS_RELEASE,
            Permission.STATISTICS_LEDGER_READ,
            Permission.AGREEMENT_RECORD,
            Permission.AGREEMENT_APPROVE,
            # issue 15: a privacy officer may propose a program file and approve one
            # another proposed (two approvers, neither the proposer).
            Permission.PROGRAM_PROPOSE,
            Permission.PROGRAM_APPROVE,
        }
    ),
    # The auditor checks the log but never reads a person's record.
    Role.AUDITOR: frozenset(
        {
            Permission.AUDIT_LOG_READ,
            Permission.AUDIT_LOG_VERIFY,
            Permission.RETENTION_READ,
            Permission.STATISTICS_LEDGER_READ,
        }
    ),
    # Administrators run the system; they read no personal data.
    Role.ADMIN: frozenset(
        {
            Permission.PROGRAM_CHECK,
            Permission.BIOMETRICS_INDEX_MANAGE,
            Permission.PROOF_KEY_MANAGE,
            Permission.RETENTION_READ,
            # issue 15: the administrator deploys program files and proposes them;
            # only privacy officers approve.
            Permission.PROGRAM_PROPOSE,
        }
    ),
    Role.PARTNER: frozenset(),
}

# Background jobs (issue 20): supervisors and administrators watch the scheduled jobs;
# an administrator may start one by hand.
ROLE_PERMISSIONS[Role.SUPERVISOR] |= {Permission.JOB_RUNS_READ}
ROLE_PERMISSIONS[Role.ADMIN] |= {Permission.JOB_RUNS_READ, Permission.JOB_RUN_START}


def roles_with(permission: Permission) -> set[Role]:
    return {role for role, perms in ROLE_PERMISSIONS.items() if permission in perms}

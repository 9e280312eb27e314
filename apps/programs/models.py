"""Which program is in force: the exact text two privacy officers approved.

A program file on disk is a proposal. Someone with the right to propose stores its text
and digest (SHA-256 of the file's bytes) as a ``ProgramVersion``; the check runs again
at every approval; when two privacy officers other than the proposer have approved that
digest, the version is in force and the one before it is superseded. The running system
reads programs from here (loader.get_program), never from the disk, so editing a file
changes nothing until it is approved. Every version ever in force, with its text, its
approvers and its dates, is on the public transparency page.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

APPROVALS_NEEDED = 2


class VersionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    ACTIVE = "active", _("In force")
    SUPERSEDED = "superseded", _("Replaced by a later version")
    DECLINED = "declined", _("Declined")


class ProgramVersion(models.Model):
    slug = models.SlugField(max_length=63)
    version = models.CharField(max_length=64)  # program.version in the file
    kind = models.CharField(max_length=16)
    title = models.CharField(max_length=300)  # in the program's first language
    text = models.TextField()  # the file, exactly as proposed
    digest = models.CharField(max_length=64)  # SHA-256 of the text's UTF-8 bytes
    warnings = models.JSONField(default=list)  # what the check warned at proposal
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    in_force_from = models.DateTimeField(null=True, blank=True)
    in_force_until = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(status="active"),
                name="one_program_version_in_force",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(status="proposed"),
                name="one_program_version_proposed",
            ),
        ]
        ordering = ["slug", "-proposed_at"]

    def __str__(self) -> str:
        return f"{self.slug} {self.version} {self.digest[:12]} ({self.status})"


class ProgramApproval(models.Model):
    """One privacy officer's approval of one exact digest."""

    version = models.ForeignKey(ProgramVersion, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    digest = models.CharField(max_length=64)  # what the approver confirmed having read
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "approver"], name="one_approval_per_officer")
        ]
        ordering = ["approved_at"]

    def __str__(self) -> str:
        return f"{self.version} approved by {self.approver_id}"

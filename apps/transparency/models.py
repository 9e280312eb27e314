"""Released statistics and the privacy-budget ledger.

Only released (noisy, suppressed, rounded) values are stored, inside the signed
document; the true counts are never written anywhere. Each release is also the
ledger entry of the epsilon it spent.
"""

from django.conf import settings
from django.db import models


class BudgetYear(models.Model):
    """One row per year that has releases: locked while a release of that year checks
    and spends the budget, so two releases at once cannot both fit in what is left."""

    year = models.PositiveSmallIntegerField(primary_key=True)

    def __str__(self) -> str:
        return str(self.year)


class Release(models.Model):
    release_id = models.SlugField(max_length=64, unique=True)
    period_label = models.CharField(max_length=32)
    period_start = models.DateField()
    period_end = models.DateField()
    year = models.PositiveSmallIntegerField(db_index=True)
    tables = models.JSONField()  # the table names, in release order
    epsilon = models.DecimalField(max_digits=12, decimal_places=6)
    epsilon_per_table = models.DecimalField(max_digits=12, decimal_places=6)
    yearly_budget = models.DecimalField(max_digits=12, decimal_places=6)
    threshold = models.PositiveIntegerField()
    rounding = models.PositiveIntegerField()
    contribution_bound = models.PositiveIntegerField()
    document = models.TextField()  # canonical JSON, exactly the signed bytes (UTF-8)
    csv = models.TextField()  # exactly the signed bytes (UTF-8)
    key_id = models.CharField(max_length=32)
    signature = models.CharField(max_length=128)  # base64 Ed25519 over `document`
    csv_signature = models.CharField(max_length=128)  # base64 Ed25519 over `csv`
    released_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    released_by_role = models.CharField(max_length=32)

    class Meta:
        ordering = ["-released_at", "-id"]
        indexes = [models.Index(fields=["year", "released_at"], name="statistics_release_year")]

    def __str__(self) -> str:
        return self.release_id

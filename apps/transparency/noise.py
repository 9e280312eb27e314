"""The privacy mechanism: OpenDP's discrete Laplace noise on integer counts, then
small-cell suppression and rounding (post-processing, which costs no privacy).

Every table is a histogram over a fixed, public list of keys (programs, offices,
states, months of the period, event kinds), so which cells exist reveals nothing;
each person adds at most `contribution_bound` records to a table, so one person
changes the table's L1 norm by at most that much (its sensitivity).
"""

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

import opendp.prelude as dp
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

dp.enable_features("contrib")

MECHANISM = "discrete_laplace"
EPSILON_PLACES = Decimal("0.000001")
MAX_EPSILON = Decimal(10**6)  # what the ledger's columns hold


@dataclass(frozen=True)
class PrivacyPolicy:
    """The privacy settings a release is made under (recorded in every release)."""

    release_epsilon: Decimal
    yearly_epsilon: Decimal
    threshold: int
    rounding: int
    contribution_bound: int


def _decimal(name: str) -> Decimal:
    raw = getattr(settings, name)
    try:
        value = Decimal(str(raw))
    except ArithmeticError as error:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from error
    if not value.is_finite() or value <= 0 or value >= MAX_EPSILON:
        raise ImproperlyConfigured(f"{name}={raw!r} must be a positive number below {MAX_EPSILON}.")
    return value


def current_policy() -> PrivacyPolicy:
    """Read and check the STATISTICS_* settings; a bad value stops with a clear error."""
    threshold = int(settings.STATISTICS_SUPPRESSION_THRESHOLD)
    rounding = int(settings.STATISTICS_ROUNDING)
    bound = int(settings.STATISTICS_CONTRIBUTION_BOUND)
    if threshold < 1 or rounding < 1 or bound < 1:
        raise ImproperlyConfigured(
            "STATISTICS_SUPPRESSION_THRESHOLD, STATISTICS_ROUNDING and "
            "STATISTICS_CONTRIBUTION_BOUND must be at least 1."
        )
    if threshold % rounding:
        raise ImproperlyConfigured(
            f"STATISTICS_SUPPRESSION_THRESHOLD ({threshold}) must be a multiple of "
            f"STATISTICS_ROUNDING ({rounding}), so a published count is never below it."
        )
    return PrivacyPolicy(
        release_epsilon=_decimal("STATISTICS_RELEASE_EPSILON"),
        yearly_epsilon=_decimal("STATISTICS_YEARLY_EPSILON"),
        threshold=threshold,
        rounding=rounding,
        contribution_bound=bound,
    )


def split_epsilon(total: Decimal, parts: int) -> Decimal:
    """Each table's share of a release's epsilon, rounded down so the shares never add
    up to more than the total (sequential composition)."""
    return (total / parts).quantize(EPSILON_PLACES, rounding=ROUND_DOWN)


def scale_for(epsilon: Decimal, sensitivity: int) -> float:
    """The discrete Laplace scale that makes a table of L1 sensitivity `sensitivity`
    epsilon-differentially private: sensitivity / epsilon."""
    return sensitivity / float(epsilon)


def laplace(scale: float) -> dp.Measurement:
    """OpenDP's discrete Laplace mechanism over a vector of 64-bit integer counts."""
    return dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T="i64")), dp.l1_distance(T="i64"), scale=scale
    )


def noisy_counts(counts: list[int], *, epsilon: Decimal, sensitivity: int) -> list[int]:
    """The counts with discrete Laplace noise. Checks with OpenDP's own privacy map that
    the mechanism spends no more than `epsilon` (floating point may round up by an ulp)."""
    mechanism = laplace(scale_for(epsilon, sensitivity))
    spent = mechanism.map(sensitivity)
    if not math.isclose(spent, float(epsilon), rel_tol=1e-9) and spent > float(epsilon):
        raise RuntimeError(f"the mechanism would spend {spent}, more than {epsilon}")
    return [int(value) for value in mechanism(counts)] if counts else []


def publishable(noisy: int, *, threshold: int, rounding: int) -> int | None:
    """What is published for a noisy count: None ("fewer than threshold") below the
    threshold, otherwise the count rounded to the nearest multiple of `rounding`
    (halves up). With the threshold a multiple of the rounding, a published count is
    never below the threshold and never further than rounding/2 from the noisy one."""
    if noisy < threshold:
        return None
    return ((2 * noisy + rounding) // (2 * rounding)) * rounding

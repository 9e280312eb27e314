"""The noise is OpenDP's discrete Laplace with the scale epsilon asks for: checked by
drawing from the mechanism itself, many times, against the distribution's own
variance and probability of zero, with fixed tolerances."""

import math
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from apps.transparency.apps import check_privacy_settings
from apps.transparency.noise import current_policy, laplace, noisy_counts, scale_for, split_epsilon

DRAWS = 40_000


@pytest.mark.parametrize(
    ("epsilon", "sensitivity"), [(Decimal("0.5"), 1), (Decimal("0.111111"), 1), (Decimal("1"), 2)]
)
def test_the_spread_of_the_noise_matches_epsilon(epsilon: Decimal, sensitivity: int) -> None:
    scale = scale_for(epsilon, sensitivity)
    noise = laplace(scale)([0] * DRAWS)
    alpha = math.exp(-1 / scale)
    variance = 2 * alpha / (1 - alpha) ** 2  # discrete Laplace (two-sided geometric)
    p_zero = (1 - alpha) / (1 + alpha)
    measured_variance = sum(x * x for x in noise) / DRAWS
    measured_zero = noise.count(0) / DRAWS
    # Sample variance of a Laplace-like law has a relative sd of about sqrt(5 / n) =
    # 1.1 % here; 6 % is over five of those, yet a scale off by 10 % (variance off by
    # about 20 %) fails.
    assert measured_variance == pytest.approx(variance, rel=0.06)
    assert measured_zero == pytest.approx(p_zero, abs=5 * math.sqrt(p_zero * (1 - p_zero) / DRAWS))
    assert abs(sum(noise) / DRAWS) < 5 * math.sqrt(variance / DRAWS)  # centred on the truth


def test_opendp_certifies_the_epsilon_of_each_table() -> None:
    for epsilon, sensitivity in [(Decimal("0.25"), 1), (Decimal("1.5"), 3)]:
        spent = laplace(scale_for(epsilon, sensitivity)).map(sensitivity)
        assert spent == pytest.approx(float(epsilon), rel=1e-9)


def test_a_tenfold_epsilon_gives_visibly_less_noise() -> None:
    loud = noisy_counts([100] * 5000, epsilon=Decimal("0.1"), sensitivity=1)
    quiet = noisy_counts([100] * 5000, epsilon=Decimal("1"), sensitivity=1)
    spread = lambda xs: sum(abs(x - 100) for x in xs) / len(xs)  # noqa: E731
    assert spread(loud) > 5 * spread(quiet)
    assert noisy_counts([], epsilon=Decimal(1), sensitivity=1) == []


def test_shares_of_a_release_never_add_up_to_more_than_it() -> None:
    for total, parts in [(Decimal(1), 9), (Decimal(1), 3), (Decimal("0.7"), 4), (Decimal(2), 7)]:
        share = split_epsilon(total, parts)
        assert share * parts <= total
        assert total - share * parts < Decimal("0.00001") * parts


def test_settings_that_cannot_work_stop_with_a_clear_error() -> None:
    with (
        override_settings(STATISTICS_SUPPRESSION_THRESHOLD=12, STATISTICS_ROUNDING=5),
        pytest.raises(ImproperlyConfigured, match="multiple"),
    ):
        current_policy()
    with (
        override_settings(STATISTICS_YEARLY_EPSILON="-1"),
        pytest.raises(ImproperlyConfigured, match="positive"),
    ):
        current_policy()
    with (
        override_settings(STATISTICS_RELEASE_EPSILON="lots"),
        pytest.raises(ImproperlyConfigured, match="not a number"),
    ):
        current_policy()
    with (
        override_settings(STATISTICS_CONTRIBUTION_BOUND=0),
        pytest.raises(ImproperlyConfigured, match="at least 1"),
    ):
        current_policy()


def test_the_system_check_reports_bad_settings() -> None:
    assert check_privacy_settings() == []
    with override_settings(STATISTICS_ROUNDING=3):
        (error,) = check_privacy_settings()
    assert error.id == "transparency.E001"
    assert "multiple" in error.msg

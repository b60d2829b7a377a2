"""Honest rates: Wilson score intervals and verdicts against a goal (SPEC §4.2)."""

from __future__ import annotations

import math

Z_95 = 1.96
ROUND = 6  # SPEC §6: rates, intervals, goals and expected counts to 6 decimals


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for successes/trials; (0, 1) when there are no trials."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    z2 = z * z
    denom = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denom
    # At 0 and at 100% the bounds are exactly 0 and 1; say so rather than leave float dust.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def verdict(ci_low: float, ci_high: float, goal: float) -> str:
    """'above' when the whole interval is over the goal, 'below' when under it, else 'on_par'."""
    if ci_low > goal:
        return "above"
    if ci_high < goal:
        return "below"
    return "on_par"


def rate(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def r6(value: float | None) -> float | None:
    return None if value is None else round(float(value), ROUND)

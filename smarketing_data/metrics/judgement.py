"""The one judgement of a report row against its goal (SPEC §4.2, §9 "One report, one
judgement"): every view words and colours a rep, a campaign or a funnel step by these functions
and never compares a rate with a goal itself, so no two views can disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

ABOVE = "above"
ON_PAR = "on_par"
BELOW = "below"
AT_OR_ABOVE = "at_or_above"
# Expected = upstream × goal is a float product: 25 × 0.36 may land a hair above 9, and a
# campaign with 9 must not read as missing it.
TOLERANCE = 1e-9

# How each verdict reads, per kind of row ("reps", "campaigns" as in the catalog; "steps" for
# funnel steps and contribution targets).
VERDICT_WORDS: dict[str, dict[str, str]] = {
    "reps": {ABOVE: "above goal", ON_PAR: "on par with goal", BELOW: "below goal"},
    "campaigns": {AT_OR_ABOVE: "at or above expected", BELOW: "below expected"},
    "steps": {AT_OR_ABOVE: "at or above goal", BELOW: "below goal"},
}


def _number(value: object) -> float | None:
    """A float, or None for None / NaN / NA (report frames use all three for "none")."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def rep_verdict(row: Mapping[str, Any] | Any) -> str:
    """A rep row's verdict: the interval rule of SPEC §4.2, computed once with the report
    ('above', 'on_par' or 'below'). The rate is never compared with the goal by itself."""
    return str(row["verdict"] if isinstance(row, Mapping) else row.verdict)


def campaign_verdict(value: float | None, expected: float | None) -> str | None:
    """'at_or_above' when the count reaches the count expected at goal, 'below' when not;
    None when nothing was expected (no tracked upstream stage, or an expectation of zero)."""
    count, expect = _number(value), _number(expected)
    if count is None or not expect:
        return None
    return AT_OR_ABOVE if count >= expect - TOLERANCE else BELOW


def step_verdict(rate: float | None, goal: float | None) -> str | None:
    """A funnel step's rate (or a contribution amount) against its goal (or target):
    'at_or_above' or 'below'; None when either is missing."""
    value, target = _number(rate), _number(goal)
    if value is None or target is None:
        return None
    return AT_OR_ABOVE if value >= target - TOLERANCE else BELOW


def met(verdict: str | None) -> bool | None:
    """Whether a verdict meets its goal: True, False, or None for on par or nothing judged."""
    if verdict in (ABOVE, AT_OR_ABOVE):
        return True
    if verdict == BELOW:
        return False
    return None


def words(kind: str, verdict: str | None) -> str:
    """How a verdict reads ('on par with goal'); '' when there is nothing judged."""
    return "" if verdict is None else VERDICT_WORDS[kind].get(verdict, verdict)

"""Numbers formatted for people: 1.2k, 34%, $1.4M, 3.5 days (SPEC §9)."""

from __future__ import annotations

import math

CURRENCY = "$"
_UNITS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _short(value: float) -> str:
    for size, unit in _UNITS:
        if abs(value) >= size:
            scaled = value / size
            text = f"{scaled:.1f}" if abs(scaled) < 100 else f"{scaled:.0f}"
            return text.removesuffix(".0") + unit
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"


def count(value: float | None) -> str:
    """1234 → '1.2k'; 12 → '12'."""
    return "—" if _missing(value) else _short(float(value))  # type: ignore[arg-type]


def money(value: float | None, currency: str = CURRENCY) -> str:
    """1_400_000 → '$1.4M'; -2500 → '-$2.5k'."""
    if _missing(value):
        return "—"
    v = float(value)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    return f"{sign}{currency}{_short(abs(v))}"


def pct(value: float | None, digits: int = 0) -> str:
    """0.3412 → '34%' (digits=1 → '34.1%'); rates under 1% keep one decimal."""
    if _missing(value):
        return "—"
    v = float(value) * 100  # type: ignore[arg-type]
    if digits == 0 and 0 < abs(v) < 1:
        digits = 1
    return f"{v:.{digits}f}%"


def change(value: float | None) -> str:
    """A relative change with its sign: 0.12 → '+12%'."""
    if _missing(value):
        return "—"
    return ("+" if float(value) > 0 else "") + pct(value)  # type: ignore[arg-type]


def days(value: float | None) -> str:
    if _missing(value):
        return "—"
    v = float(value)  # type: ignore[arg-type]
    return f"{v:.1f} days" if v < 10 else f"{v:.0f} days"

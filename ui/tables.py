"""Tables as people read them: chosen columns, human headers, formatted numbers."""

from __future__ import annotations

from collections.abc import Container

import pandas as pd

from smarketing_data import format as fmt
from smarketing_data.text import plain


def pct(value: float | None) -> str:
    return fmt.pct(value)


def _count(value: float | None) -> str:
    """A count, or "—" where there is none (no tracked upstream stage leaves pd.NA)."""
    return "—" if value is None or pd.isna(value) else fmt.count(float(value))


def _text(value: object) -> object:
    if isinstance(value, str):
        return plain(value)
    return "—" if value is None or pd.isna(value) else value  # type: ignore[call-overload]


def _fmt(frame: pd.DataFrame, spec: dict[str, tuple[str, object]]) -> pd.DataFrame:
    """Columns renamed and formatted: {column: (header, formatter or None)}."""
    out = pd.DataFrame(index=frame.index)
    for col, (header, formatter) in spec.items():
        if col not in frame:
            continue
        values = frame[col]
        if callable(formatter):
            out[header] = values.map(formatter)
        elif pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            # a missing name reads "—", not "None"; a name shows as it reads (SPEC §8)
            out[header] = values.map(_text)
        else:
            out[header] = values
    return out.reset_index(drop=True)


# Columns that count or divide by a stage: left out when the data does not record it.
STAGE_COLUMNS = {
    "mql": ("mql", "cost_per_mql"),
    "sql": ("sql", "cost_per_sql"),
    "opp": ("opp", "cost_per_opp"),
    "won": ("won", "cost_per_won"),
}


def _recorded(
    spec: dict[str, tuple[str, object]], tracked: Container[str] | None
) -> dict[str, tuple[str, object]]:
    if tracked is None:
        return spec
    hidden = {c for stage, cols in STAGE_COLUMNS.items() if stage not in tracked for c in cols}
    return {col: v for col, v in spec.items() if col not in hidden}


def spend_table(spend: pd.DataFrame, tracked: Container[str] | None = None) -> pd.DataFrame:
    return _fmt(
        spend,
        _recorded(
            {
                "name": ("Campaign", None),
                "channel": ("Channel", None),
                "cost": ("Spend in quarter", fmt.money),
                "cost_basis": ("Cost basis", None),
                "mql": ("MQLs", fmt.count),
                "sql": ("SQLs", fmt.count),
                "opp": ("Opps", fmt.count),
                "won": ("Won", fmt.count),
                "cost_per_mql": ("Cost / MQL", fmt.money),
                "cost_per_sql": ("Cost / SQL", fmt.money),
                "cost_per_opp": ("Cost / Opp", fmt.money),
                "cost_per_won": ("Cost / Won", fmt.money),
                "bookings": ("Bookings", fmt.money),
                "roi": ("ROI", fmt.pct),
            },
            tracked,
        ),
    )


def channel_table(channels: pd.DataFrame, tracked: Container[str] | None = None) -> pd.DataFrame:
    return _fmt(
        channels,
        _recorded(
            {
                "channel": ("Channel", None),
                "campaigns": ("Campaigns", fmt.count),
                "mql": ("MQLs", fmt.count),
                "sql": ("SQLs", fmt.count),
                "opp": ("Opps", fmt.count),
                "won": ("Won", fmt.count),
                "spend": ("Spend", fmt.money),
                "cost_per_sql": ("Cost / SQL", fmt.money),
                "bookings": ("Bookings", fmt.money),
            },
            tracked,
        ),
    )


def fastest_table(fastest: pd.DataFrame) -> pd.DataFrame:
    return _fmt(
        fastest,
        {
            "company": ("Company", None),
            "channel": ("Channel", None),
            "campaign_name": ("Campaign", None),
            "rep_name": ("Rep", None),
            "days_to_win": ("Days to win", fmt.days),
            "won_amount": ("Won", fmt.money),
        },
    )


def open_mqls_table(open_mqls: pd.DataFrame) -> pd.DataFrame:
    return _fmt(
        open_mqls,
        {
            "company": ("Company", None),
            "rep_name": ("Rep", None),
            "campaign_id": ("Campaign", None),
            "mql_at": ("MQL since", None),
            "age_days": ("Age", fmt.days),
        },
    )


def journeys_table(journeys: pd.DataFrame) -> pd.DataFrame:
    return _fmt(
        journeys,
        {
            "journey_id": ("Journey", None),
            "company": ("Company", None),
            "channel": ("Channel", None),
            "created_at": ("Created", None),
            "mql_at": ("MQL", None),
            "sql_at": ("SQL", None),
            "opp_at": ("Opp", None),
            "won_at": ("Won", None),
            "lost_at": ("Lost", None),
            "amount": ("Pipeline", fmt.money),
            "won_amount": ("Bookings", fmt.money),
        },
    )


def funnel_by_quarter_table(by_quarter: pd.DataFrame) -> pd.DataFrame:
    return _fmt(
        by_quarter,
        {
            "quarter": ("Quarter", None),
            "leads": ("Leads", fmt.count),
            "mql": ("MQLs", fmt.count),
            "sql": ("SQLs", fmt.count),
            "opp": ("Opps", fmt.count),
            "won": ("Won", fmt.count),
            "pipeline": ("Pipeline", fmt.money),
            "bookings": ("Bookings", fmt.money),
        },
    )

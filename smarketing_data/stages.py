"""Funnel stages and the reached-stage rule (SPEC §3.1–3.2).

A journey reached a stage at or after its entry stage when that stage's date or any later
stage's date is known; the reached stage's date is its own date, else the earliest known date
of a later stage. Stages before the entry stage are never reached.
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd

STAGES = ("lead", "mql", "sal", "sql", "opp", "won")
STAGE_LABELS = {
    "lead": "Lead",
    "mql": "MQL",
    "sal": "SAL",
    "sql": "SQL",
    "opp": "Opportunity",
    "won": "Closed Won",
}
# The journey column holding each stage's own date.
STAGE_DATE_COLUMNS = {
    "lead": "created_at",
    "mql": "mql_at",
    "sal": "sal_at",
    "sql": "sql_at",
    "opp": "opp_at",
    "won": "won_at",
}
REACHED_COLUMNS = {s: f"reach_{s}_at" for s in STAGES}


class CohortBase(StrEnum):
    """The stage a cohort starts from (SPEC §4.1), in the order the automatic base tries them.
    A str, so it is the rollups' key and the JSON value as it is; made from a string only at
    the edges (the sidebar, ``--base``), where an unknown one is a ValueError."""

    MQL = "mql"
    LEAD = "lead"
    OPP = "opp"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.value]


def reached_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """The reach_<stage>_at columns for journeys with entry_stage and the six stage dates."""
    entry_index = frame["entry_stage"].map({s: i for i, s in enumerate(STAGES)}).fillna(0)
    out = pd.DataFrame(index=frame.index)
    later_min: pd.Series = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    for i in range(len(STAGES) - 1, -1, -1):
        stage = STAGES[i]
        own = pd.to_datetime(frame[STAGE_DATE_COLUMNS[stage]]).astype("datetime64[us]")
        later_min = pd.concat([own, later_min], axis=1).min(axis=1).astype("datetime64[us]")
        date = own.where(own.notna(), later_min)
        out[REACHED_COLUMNS[stage]] = date.where(entry_index <= i)
    return out[[REACHED_COLUMNS[s] for s in STAGES]]

"""How much data is loaded: journeys created per quarter."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, extract, func, select

from smarketing_data import schema
from smarketing_data.metrics.quarters import quarter_of

J = schema.journeys


def journeys_per_quarter(engine: Engine, *, fiscal_start_month: int = 1) -> pd.DataFrame:
    """Journeys by the quarter they were created in, newest first.

    Columns: quarter (label), journeys, leads (entry stage Lead), opportunities_only (entry
    stage Opp).
    """
    year = extract("year", J.c.created_at).label("y")
    month = extract("month", J.c.created_at).label("m")
    stmt = (
        select(year, month, J.c.entry_stage, func.count().label("n"))
        .group_by(year, month, J.c.entry_stage)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    if not rows:
        return pd.DataFrame(columns=["quarter", "journeys", "leads", "opportunities_only"])
    frame = pd.DataFrame(rows, columns=["y", "m", "entry_stage", "n"])
    frame["start"] = [quarter_of(dt.date(int(y), int(m), 1), fiscal_start_month).start
                      for y, m in zip(frame["y"], frame["m"], strict=True)]
    frame["quarter"] = [quarter_of(s, fiscal_start_month).label for s in frame["start"]]
    wide = frame.pivot_table(index=["start", "quarter"], columns="entry_stage", values="n",
                             aggfunc="sum", fill_value=0)
    out = pd.DataFrame({
        "leads": wide.get("lead", 0),
        "opportunities_only": wide.get("opp", 0),
    })
    out["journeys"] = out["leads"] + out["opportunities_only"]
    out = out.reset_index().sort_values("start", ascending=False)
    return out[["quarter", "journeys", "leads", "opportunities_only"]].reset_index(drop=True)

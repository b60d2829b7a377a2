"""Conversion-rate goals and pipeline/bookings targets (SPEC §4.3).

A goal between two stages is, in order of precedence: the explicit goal set for that pair
for the quarter; the explicit goal set for that pair for every quarter; the product of the
adjacent goals between them, each of which is its quarter's override, else the goal set for
every quarter, else the published default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select

from smarketing_data import audit, schema
from smarketing_data import format as fmt
from smarketing_data.db import bump_data_version, read_frame, write_transaction
from smarketing_data.stages import STAGE_LABELS, STAGES

G = schema.goals
T = schema.targets

ADJACENT: tuple[tuple[str, str], ...] = tuple(zip(STAGES[:-1], STAGES[1:], strict=True))
# Published B2B benchmarks the product starts from (SPEC §4.3).
DEFAULT_GOALS: dict[tuple[str, str], float] = {
    ("lead", "mql"): 0.25,
    ("mql", "sal"): 0.60,
    ("sal", "sql"): 0.60,
    ("sql", "opp"): 0.55,
    ("opp", "won"): 0.25,
}
TARGET_METRICS = ("sourced_pipeline", "sourced_bookings")
EVERY_QUARTER = ""


class GoalError(ValueError):
    """A goal or target that cannot be stored."""


@dataclass(frozen=True)
class Goals:
    """The goals in force for one quarter."""

    quarter: str
    set_for_quarter: dict[tuple[str, str], float]
    set_for_all: dict[tuple[str, str], float]

    def adjacent(self, from_stage: str, to_stage: str) -> float:
        pair = (from_stage, to_stage)
        if pair in self.set_for_quarter:
            return self.set_for_quarter[pair]
        if pair in self.set_for_all:
            return self.set_for_all[pair]
        return DEFAULT_GOALS[pair]

    def rate(self, from_stage: str, to_stage: str) -> float:
        """The goal for converting from one stage to a later one."""
        i, j = STAGES.index(from_stage), STAGES.index(to_stage)
        if j <= i:
            raise GoalError(f"no goal from {from_stage} to {to_stage}: not a later stage")
        pair = (from_stage, to_stage)
        if pair in self.set_for_quarter:
            return self.set_for_quarter[pair]
        if pair in self.set_for_all:
            return self.set_for_all[pair]
        product = 1.0
        for k in range(i, j):
            product *= self.adjacent(STAGES[k], STAGES[k + 1])
        return product

    def adjacent_goals(self) -> dict[str, float]:
        """The five adjacent goals keyed like the report JSON: lead_mql, mql_sal, …"""
        return {f"{a}_{b}": self.adjacent(a, b) for a, b in ADJACENT}


def load_goals(engine: Engine, *, quarter: str) -> Goals:
    with engine.connect() as conn:
        rows = conn.execute(
            select(G.c.quarter, G.c.from_stage, G.c.to_stage, G.c.rate).where(
                G.c.quarter.in_([quarter, EVERY_QUARTER])
            )
        ).all()
    mine = {(r.from_stage, r.to_stage): float(r.rate) for r in rows if r.quarter == quarter}
    every = {(r.from_stage, r.to_stage): float(r.rate) for r in rows if r.quarter == EVERY_QUARTER}
    if quarter == EVERY_QUARTER:
        mine = {}
    return Goals(quarter=quarter, set_for_quarter=mine, set_for_all=every)


def _check_pair(from_stage: str, to_stage: str) -> None:
    if from_stage not in STAGES or to_stage not in STAGES:
        raise GoalError(f"unknown stage in {from_stage}→{to_stage}")
    if STAGES.index(to_stage) <= STAGES.index(from_stage):
        raise GoalError(f"{to_stage} does not come after {from_stage}")


def goal_percent(rate: float) -> str:
    """A goal for people: whole percents stay whole (25%), others keep one decimal (4.9%)."""
    whole = abs(rate * 100 - round(rate * 100)) < 1e-9
    return fmt.pct(rate, 0 if whole else 1)


def _goal_item(from_stage: str, to_stage: str, quarter: str) -> str:
    """'MQL→SAL · 2026-Q2', or '· every quarter': how the change history names a goal."""
    where = quarter if quarter != EVERY_QUARTER else "every quarter"
    return f"{STAGE_LABELS[from_stage]}→{STAGE_LABELS[to_stage]} · {where}"


def _stored_goal(conn: Connection, from_stage: str, to_stage: str, quarter: str) -> float | None:
    return conn.execute(
        select(G.c.rate).where(
            G.c.quarter == quarter, G.c.from_stage == from_stage, G.c.to_stage == to_stage
        )
    ).scalar()


def _goal_text(rate: float | None) -> str:
    return "not set" if rate is None else goal_percent(float(rate))


def set_goal(
    engine: Engine,
    *,
    from_stage: str,
    to_stage: str,
    rate: float,
    quarter: str = EVERY_QUARTER,
    who: str | None = None,
) -> None:
    """Set (or replace) a goal; quarter '' means every quarter. ``who`` is recorded with the
    change in the change history."""
    _check_pair(from_stage, to_stage)
    if not 0.0 <= rate <= 1.0:
        raise GoalError(f"a goal is a rate between 0 and 1, got {rate}")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with write_transaction(engine) as conn:
        before = _stored_goal(conn, from_stage, to_stage, quarter)
        conn.execute(
            delete(G).where(
                G.c.quarter == quarter, G.c.from_stage == from_stage, G.c.to_stage == to_stage
            )
        )
        conn.execute(
            insert(G).values(
                quarter=quarter,
                from_stage=from_stage,
                to_stage=to_stage,
                rate=rate,
                updated_at=now,
                updated_by=who,
            )
        )
        audit.record(
            conn,
            who=who,
            kind="goal",
            item=_goal_item(from_stage, to_stage, quarter),
            action="set",
            summary=f"{_goal_text(before)} → {_goal_text(rate)}",
        )
        bump_data_version(conn)


def clear_goal(
    engine: Engine,
    *,
    from_stage: str,
    to_stage: str,
    quarter: str = EVERY_QUARTER,
    who: str | None = None,
) -> None:
    """Remove the goal set for a pair at one scope (the goal then falls back to the next
    scope); recorded in the change history when there was one."""
    with write_transaction(engine) as conn:
        before = _stored_goal(conn, from_stage, to_stage, quarter)
        conn.execute(
            delete(G).where(
                G.c.quarter == quarter, G.c.from_stage == from_stage, G.c.to_stage == to_stage
            )
        )
        if before is not None:
            audit.record(
                conn,
                who=who,
                kind="goal",
                item=_goal_item(from_stage, to_stage, quarter),
                action="removed",
                summary=f"{_goal_text(before)} → not set",
            )
        bump_data_version(conn)


def goals_set(engine: Engine) -> pd.DataFrame:
    """Every goal someone set. Columns: quarter ('' = every quarter), from_stage, to_stage,
    rate, updated_at, updated_by."""
    stmt = select(
        G.c.quarter, G.c.from_stage, G.c.to_stage, G.c.rate, G.c.updated_at, G.c.updated_by
    ).order_by(G.c.quarter, G.c.from_stage, G.c.to_stage)
    return read_frame(engine, stmt)


def set_target(
    engine: Engine, *, quarter: str, metric: str, amount: float, who: str | None = None
) -> None:
    """Set (or replace) a quarter's target; ``who`` is recorded in the change history."""
    if metric not in TARGET_METRICS:
        raise GoalError(f"unknown target {metric!r}; use one of {', '.join(TARGET_METRICS)}")
    if amount < 0:
        raise GoalError("a target cannot be negative")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with write_transaction(engine) as conn:
        before = conn.execute(
            select(T.c.amount).where(T.c.quarter == quarter, T.c.metric == metric)
        ).scalar()
        conn.execute(delete(T).where(T.c.quarter == quarter, T.c.metric == metric))
        conn.execute(
            insert(T).values(
                quarter=quarter, metric=metric, amount=amount, updated_at=now, updated_by=who
            )
        )
        old = "not set" if before is None else fmt.money(before)
        audit.record(
            conn,
            who=who,
            kind="target",
            item=f"{metric.replace('_', ' ')} · {quarter}",
            action="set",
            summary=f"{old} → {fmt.money(amount)}",
        )
        bump_data_version(conn)


def load_targets(engine: Engine, *, quarter: str) -> dict[str, float | None]:
    """The quarter's targets: sourced_pipeline and sourced_bookings (None when not set)."""
    with engine.connect() as conn:
        rows = conn.execute(select(T.c.metric, T.c.amount).where(T.c.quarter == quarter)).all()
    found = {r.metric: float(r.amount) for r in rows}
    return {m: found.get(m) for m in TARGET_METRICS}

"""Conversion goals (SPEC §4.3): the adjacent goals in force for a quarter or every
quarter, with their editing, and goals between non-adjacent stages. Writes run as widget
callbacks, before the page re-renders with the new data."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from smarketing_data import definitions as defs
from smarketing_data.metrics.goals import (
    ADJACENT,
    EVERY_QUARTER,
    GoalError,
    clear_goal,
    load_goals,
    set_goal,
)
from smarketing_data.metrics.quarters import Quarter
from smarketing_data.stages import STAGE_LABELS, STAGES
from ui import components, data
from ui.data import Context
from ui.goals.shared import can_edit, prefill, write


def _scope_quarter(quarter: Quarter | None) -> Quarter | None:
    """The quarter goals are being set for; None: every quarter."""
    scope = st.session_state.get("goal_scope", "all")
    return quarter if scope == "quarter" else None


def _stored(scope_q: Quarter | None) -> str:
    """The quarter as goals are stored: its label, or EVERY_QUARTER."""
    return scope_q.label if scope_q else EVERY_QUARTER


def _where(scope_q: Quarter | None) -> str:
    return f"for {scope_q.label}" if scope_q else "for every quarter"


def save_goals(engine: Engine, quarter: Quarter | None) -> None:
    def action(who: str) -> str:
        scope_q = _scope_quarter(quarter)
        before = load_goals(engine, quarter=_stored(scope_q))
        changed = []
        for a, b in ADJACENT:
            rate = round(float(st.session_state[f"goal_{a}_{b}"]) / 100, 6)
            if rate != round(before.adjacent(a, b), 6):
                set_goal(
                    engine, from_stage=a, to_stage=b, rate=rate, quarter=_stored(scope_q), who=who
                )
                changed.append(f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]} {defs.goal_percent(rate)}")
        if not changed:
            return "Nothing changed."
        return f"Saved {_where(scope_q)}: {', '.join(changed)}."

    write("goals", action)


def reset_goal(engine: Engine, quarter: Quarter | None, a: str, b: str) -> None:
    def action(who: str) -> str:
        scope_q = _scope_quarter(quarter)
        clear_goal(engine, from_stage=a, to_stage=b, quarter=_stored(scope_q), who=who)
        return f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]}: goal {_where(scope_q)} removed."

    write("goals" if (a, b) in ADJACENT else "pairs", action)


def save_pair(engine: Engine, quarter: Quarter | None) -> None:
    def action(who: str) -> str:
        a, b = st.session_state["pair_from"], st.session_state["pair_to"]
        if (a, b) in ADJACENT:
            raise GoalError(
                f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]} is an adjacent goal: "
                "change it in the table above"
            )
        scope_q = _scope_quarter(quarter)
        rate = round(float(st.session_state["pair_rate"]) / 100, 6)
        set_goal(engine, from_stage=a, to_stage=b, rate=rate, quarter=_stored(scope_q), who=who)
        return (
            f"Saved {STAGE_LABELS[a]}→{STAGE_LABELS[b]} {defs.goal_percent(rate)} "
            f"{_where(scope_q)}."
        )

    write("pairs", action)


def goals_section(ctx: Context, quarter: Quarter | None) -> None:
    st.header("Goals")
    engine = ctx.engine
    in_force = data.goals(ctx, quarter)
    st.caption(
        f"Conversion-rate goals in force {_where(quarter)}. A goal "
        "set for one quarter overrides the goal set for every quarter, which "
        "overrides the published B2B default."
    )
    table = defs.goal_table(in_force)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_order=["transition", "goal", "source", "used_by"],
        column_config={
            "transition": "Goal",
            "goal": "Rate",
            "source": "Where it comes from",
            "used_by": "Used by",
        },
    )
    components.show_flash("goals")
    if not can_edit():
        return
    scopes = {"all": "Every quarter"} | ({"quarter": f"Only {quarter.label}"} if quarter else {})
    if st.session_state.get("goal_scope") not in scopes:
        st.session_state["goal_scope"] = "all"
    scope = st.radio(
        "Set goals for", list(scopes), format_func=scopes.get, key="goal_scope", horizontal=True
    )
    scoped = data.goals(ctx, quarter if scope == "quarter" else None)
    set_here = defs.SOURCE_QUARTER if scope == "quarter" else defs.SOURCE_ALL
    for row in defs.goal_table(scoped).itertuples():
        key = f"goal_{row.key}"
        prefill(key, round(row.rate * 100, 4), (_stored(quarter), scope, row.rate))
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        left.number_input(
            f"{row.transition} (%)",
            min_value=0.0,
            max_value=100.0,
            step=1.0,
            format="%.1f",
            key=key,
            help=f"Published default: {defs.goal_percent(row.default_rate)}",
        )
        right.button(
            "Reset to default" if scope == "all" else "Reset this quarter",
            key=f"reset_{row.key}",
            on_click=reset_goal,
            args=(engine, quarter, row.from_stage, row.to_stage),
            disabled=row.source != set_here,
            help="Removes the goal set at the chosen scope; the goal then falls "
            "back to the every-quarter goal or the published default.",
        )
    st.button(
        "Save goals", key="save_goals", type="primary", on_click=save_goals, args=(engine, quarter)
    )


def pairs_section(ctx: Context, quarter: Quarter | None) -> None:
    st.subheader("Goals between non-adjacent stages")
    engine = ctx.engine
    st.caption(
        "As the reports use them: the product of the adjacent goals between the two "
        "stages, unless a goal is set for that pair."
    )
    pairs = defs.pair_goal_table(data.goals(ctx, quarter))
    st.dataframe(
        pairs,
        hide_index=True,
        width="stretch",
        column_order=["transition", "goal", "source", "how", "used_by"],
        column_config={
            "transition": "Goal",
            "goal": "Rate",
            "source": "Where it comes from",
            "how": "How",
            "used_by": "Used by",
        },
    )
    components.show_flash("pairs")
    if not can_edit():
        return
    scope_q = _scope_quarter(quarter)
    for row in defs.pair_goal_table(data.goals(ctx, scope_q)).itertuples():
        explicit = row.source in (defs.SOURCE_ALL, defs.SOURCE_QUARTER)
        if explicit and (row.source == defs.SOURCE_QUARTER) == (scope_q is not None):
            st.button(
                f"Remove the {row.transition} goal {_where(scope_q)}",
                key=f"clear_pair_{row.key}",
                on_click=reset_goal,
                args=(engine, quarter, row.from_stage, row.to_stage),
            )
    with st.form("pair_goal_form"):
        st.markdown(f"**Set a goal for a pair of stages** ({_where(scope_q)}, as chosen above)")
        c1, c2, c3 = st.columns(3)
        c1.selectbox(
            "From",
            list(STAGES[:-2]),
            format_func=STAGE_LABELS.__getitem__,
            index=1,
            key="pair_from",
        )
        c2.selectbox(
            "To", list(STAGES[2:]), format_func=STAGE_LABELS.__getitem__, index=3, key="pair_to"
        )
        c3.number_input(
            "Goal (%)",
            min_value=0.0,
            max_value=100.0,
            step=0.5,
            value=5.0,
            format="%.1f",
            key="pair_rate",
        )
        st.form_submit_button(
            "Save pair goal", key="save_pair", on_click=save_pair, args=(engine, quarter)
        )

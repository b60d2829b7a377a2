"""Goals & definitions: the conversion goals, the quarter's targets and the stage definitions
Sales and Marketing signed (SPEC §4.3, §9 page 5). Every save bumps the data version, so the
other pages show the new goals at once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data import definitions as defs
from smarketing_data import format as fmt
from smarketing_data.db import DatabaseError, describe_error
from smarketing_data.metrics.goals import (
    ADJACENT,
    EVERY_QUARTER,
    TARGET_METRICS,
    GoalError,
    clear_goal,
    load_goals,
    load_targets,
    set_goal,
    set_target,
)
from smarketing_data.stages import STAGE_LABELS, STAGES
from ui import access, components
from ui import definitions as ud
from ui.components import page_setup, safe
from ui.data import Context, context
from ui.filters import quarter_picker

TARGET_LABELS = {"sourced_pipeline": "Marketing-sourced pipeline",
                 "sourced_bookings": "Marketing-sourced bookings"}


def can_edit() -> bool:
    """Whether this visitor may change goals, targets and definitions (SPEC §8); every write
    on this page goes through ``_write``, which asks this first."""
    return access.can_edit()


# --- writes: run as widget callbacks, before the page re-renders with the new data ----------

def _write(section: str, action: Callable[[], str]) -> None:
    """Run one write; its outcome is shown in its section, never as a traceback."""
    if not can_edit():
        components.flash(section, "error",
                         "Only editors can change goals, targets and definitions.")
        return
    try:
        done = action()
    except (GoalError, defs.DefinitionError) as exc:
        components.flash(section, "error", str(exc))
    except DatabaseError as exc:
        components.flash(section, "error", str(exc))
    except SQLAlchemyError as exc:
        components.flash(section, "error", describe_error(exc))
    else:
        components.flash(section, "success", done)


def _scope_quarter(quarter: str | None) -> str:
    scope = st.session_state.get("goal_scope", "all")
    return quarter if scope == "quarter" and quarter else EVERY_QUARTER


def _where(scope_q: str) -> str:
    return f"for {scope_q}" if scope_q else "for every quarter"


def save_goals(engine: Engine, quarter: str | None) -> None:
    def action() -> str:
        scope_q = _scope_quarter(quarter)
        before = load_goals(engine, quarter=scope_q)
        changed = []
        for a, b in ADJACENT:
            rate = round(float(st.session_state[f"goal_{a}_{b}"]) / 100, 6)
            if rate != round(before.adjacent(a, b), 6):
                set_goal(engine, from_stage=a, to_stage=b, rate=rate, quarter=scope_q)
                changed.append(f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]} {defs.goal_percent(rate)}")
        if not changed:
            return "Nothing changed."
        return f"Saved {_where(scope_q)}: {', '.join(changed)}."
    _write("goals", action)


def reset_goal(engine: Engine, quarter: str | None, a: str, b: str) -> None:
    def action() -> str:
        scope_q = _scope_quarter(quarter)
        clear_goal(engine, from_stage=a, to_stage=b, quarter=scope_q)
        return f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]}: goal {_where(scope_q)} removed."
    _write("goals" if (a, b) in ADJACENT else "pairs", action)


def save_pair(engine: Engine, quarter: str | None) -> None:
    def action() -> str:
        a, b = st.session_state["pair_from"], st.session_state["pair_to"]
        if (a, b) in ADJACENT:
            raise GoalError(f"{STAGE_LABELS[a]}→{STAGE_LABELS[b]} is an adjacent goal: "
                            "change it in the table above")
        scope_q = _scope_quarter(quarter)
        rate = round(float(st.session_state["pair_rate"]) / 100, 6)
        set_goal(engine, from_stage=a, to_stage=b, rate=rate, quarter=scope_q)
        return (f"Saved {STAGE_LABELS[a]}→{STAGE_LABELS[b]} {defs.goal_percent(rate)} "
                f"{_where(scope_q)}.")
    _write("pairs", action)


def save_targets(engine: Engine, quarter: str) -> None:
    def action() -> str:
        before = load_targets(engine, quarter=quarter)
        changed = []
        for name in TARGET_METRICS:
            value = st.session_state.get(f"target_{name}")
            if value is not None and value != before[name]:
                set_target(engine, quarter=quarter, metric=name, amount=float(value))
                changed.append(f"{TARGET_LABELS[name]} {fmt.money(value)}")
        return f"Saved for {quarter}: {', '.join(changed)}." if changed else "Nothing changed."
    _write("targets", action)


def propose(engine: Engine, stage: str) -> None:
    def action() -> str:
        version = defs.propose_definition(
            engine, stage=stage, text=st.session_state[f"def_text_{stage}"],
            author=st.session_state[f"def_author_{stage}"])
        return (f"{STAGE_LABELS[stage]} version {version} saved; it needs a Sales and a "
                "Marketing sign-off.")
    _write(f"def_{stage}", action)


def sign(engine: Engine, stage: str, side: str) -> None:
    def action() -> str:
        defs.sign_off(engine, stage=stage, side=side,
                      name=st.session_state[f"signoff_name_{stage}"])
        return f"Signed off for {defs.SIDE_LABELS[side]}."
    _write(f"def_{stage}", action)


def _prefill(key: str, value: Any, basis: Hashable) -> None:
    """Show ``value`` in a keyed widget, unless the user is editing the same thing already."""
    marker = f"_basis_{key}"
    if key not in st.session_state or st.session_state.get(marker) != basis:
        st.session_state[key] = value
        st.session_state[marker] = basis


# --- page -------------------------------------------------------------------------------------

def goals_section(ctx: Context, quarter: str | None) -> None:
    st.header("Goals")
    engine = ctx.engine
    in_force = ud.goals(ctx, quarter)
    st.caption(f"Conversion-rate goals in force for {quarter or 'every quarter'}. A goal "
               "set for one quarter overrides the goal set for every quarter, which "
               "overrides the published B2B default.")
    table = defs.goal_table(in_force)
    st.dataframe(table, hide_index=True, width="stretch",
                 column_order=["transition", "goal", "source", "used_by"],
                 column_config={"transition": "Goal", "goal": "Rate", "source": "Where it "
                                "comes from", "used_by": "Used by"})
    components.show_flash("goals")
    if not can_edit():
        return
    scopes = {"all": "Every quarter"} | ({"quarter": f"Only {quarter}"} if quarter else {})
    if st.session_state.get("goal_scope") not in scopes:
        st.session_state["goal_scope"] = "all"
    scope = st.radio("Set goals for", list(scopes), format_func=scopes.get, key="goal_scope",
                     horizontal=True)
    scoped = ud.goals(ctx, quarter if scope == "quarter" else None)
    set_here = defs.SOURCE_QUARTER if scope == "quarter" else defs.SOURCE_ALL
    for row in defs.goal_table(scoped).itertuples():
        key = f"goal_{row.key}"
        _prefill(key, round(row.rate * 100, 4), (quarter, scope, row.rate))
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        left.number_input(f"{row.transition} (%)", min_value=0.0, max_value=100.0, step=1.0,
                          format="%.1f", key=key,
                          help=f"Published default: {defs.goal_percent(row.default_rate)}")
        right.button("Reset to default" if scope == "all" else "Reset this quarter",
                     key=f"reset_{row.key}", on_click=reset_goal,
                     args=(engine, quarter, row.from_stage, row.to_stage),
                     disabled=row.source != set_here,
                     help="Removes the goal set at the chosen scope; the goal then falls "
                          "back to the every-quarter goal or the published default.")
    st.button("Save goals", key="save_goals", type="primary", on_click=save_goals,
              args=(engine, quarter))


def pairs_section(ctx: Context, quarter: str | None) -> None:
    st.subheader("Goals between non-adjacent stages")
    engine = ctx.engine
    st.caption("As the reports use them: the product of the adjacent goals between the two "
               "stages, unless a goal is set for that pair.")
    pairs = defs.pair_goal_table(ud.goals(ctx, quarter))
    st.dataframe(pairs, hide_index=True, width="stretch",
                 column_order=["transition", "goal", "source", "how", "used_by"],
                 column_config={"transition": "Goal", "goal": "Rate",
                                "source": "Where it comes from", "how": "How",
                                "used_by": "Used by"})
    components.show_flash("pairs")
    if not can_edit():
        return
    scope_q = _scope_quarter(quarter)
    for row in defs.pair_goal_table(ud.goals(ctx, scope_q or None)).itertuples():
        explicit = row.source in (defs.SOURCE_ALL, defs.SOURCE_QUARTER)
        if explicit and (row.source == defs.SOURCE_QUARTER) == bool(scope_q):
            st.button(f"Remove the {row.transition} goal {_where(scope_q)}",
                      key=f"clear_pair_{row.key}", on_click=reset_goal,
                      args=(engine, quarter, row.from_stage, row.to_stage))
    with st.form("pair_goal_form"):
        st.markdown(f"**Set a goal for a pair of stages** ({_where(scope_q)}, as chosen above)")
        c1, c2, c3 = st.columns(3)
        c1.selectbox("From", list(STAGES[:-2]), format_func=STAGE_LABELS.__getitem__, index=1,
                     key="pair_from")
        c2.selectbox("To", list(STAGES[2:]), format_func=STAGE_LABELS.__getitem__, index=3,
                     key="pair_to")
        c3.number_input("Goal (%)", min_value=0.0, max_value=100.0, step=0.5, value=5.0,
                        format="%.1f", key="pair_rate")
        st.form_submit_button("Save pair goal", key="save_pair", on_click=save_pair,
                              args=(engine, quarter))


def targets_section(ctx: Context, quarter: str | None) -> None:
    st.header("Targets")
    engine = ctx.engine
    if quarter is None:
        st.info("Targets are set per quarter; import data to pick a quarter.")
        return
    current = ud.targets(ctx, quarter)
    cols = st.columns(len(TARGET_METRICS))
    for col, name in zip(cols, TARGET_METRICS, strict=True):
        value = current[name]
        col.metric(f"{TARGET_LABELS[name]} target, {quarter}",
                   fmt.money(value) if value is not None else "not set")
    components.show_flash("targets")
    if not can_edit():
        return
    for col, name in zip(cols, TARGET_METRICS, strict=True):
        _prefill(f"target_{name}", current[name], (quarter, current[name]))
        col.number_input(f"{TARGET_LABELS[name]} ($)", min_value=0.0, step=10_000.0,
                         value=None, format="%.0f", key=f"target_{name}")
    st.button("Save targets", key="save_targets", type="primary", on_click=save_targets,
              args=(engine, quarter))


def definition_tab(ctx: Context, row: Any) -> None:
    stage, engine = row["stage"], ctx.engine
    ud.status_badge(row)
    st.markdown(safe(row["text"]))
    if row["version"]:
        by = f" by {safe(row['created_by'])}" if isinstance(row["created_by"], str) else ""
        st.caption(f"Version {row['version']}, proposed{by} on {row['created_at']:%Y-%m-%d}")
    else:
        st.caption("Built-in default, not yet signed by anyone")
    st.caption(ud.signed_line(row))
    components.show_flash(f"def_{stage}")
    if can_edit():
        name_col, sales_col, marketing_col = st.columns([3, 1, 1], vertical_alignment="bottom")
        name_col.text_input("Your name", key=f"signoff_name_{stage}", max_chars=defs.MAX_NAME)
        for col, side in ((sales_col, "sales"), (marketing_col, "marketing")):
            col.button(f"Sign off as {defs.SIDE_LABELS[side]}", key=f"signoff_{side}_{stage}",
                       on_click=sign, args=(engine, stage, side),
                       disabled=isinstance(row[f"{side}_signoff_by"], str))
        with st.form(f"propose_form_{stage}"):
            _prefill(f"def_text_{stage}", row["text"], (row["version"], row["text"]))
            st.text_area("New wording", key=f"def_text_{stage}", max_chars=defs.MAX_TEXT,
                         height=120)
            st.text_input("Proposed by", key=f"def_author_{stage}", max_chars=defs.MAX_NAME)
            st.form_submit_button("Propose new version", key=f"def_propose_{stage}",
                                  on_click=propose, args=(engine, stage))
    with st.expander("Version history", icon=":material/history:"):
        past = ud.history(ctx, stage)
        if past.empty:
            st.caption("No saved versions yet.")
        else:
            st.dataframe(past, hide_index=True, width="stretch",
                         column_order=["version", "status", "text", "created_by", "created_at",
                                       "sales_signoff_by", "sales_signoff_at",
                                       "marketing_signoff_by", "marketing_signoff_at"])


def definitions_section(ctx: Context) -> None:
    st.header("Definitions")
    st.caption("The lead stages as both teams agreed to count them. A version is agreed once "
               "one Sales owner and one Marketing owner have signed it; proposing new wording "
               "starts a new version that needs both sign-offs again.")
    current = ud.current(ctx)
    st.dataframe(current, hide_index=True, width="stretch",
                 column_order=["label", "version", "status", "sales_signoff_by",
                               "marketing_signoff_by"],
                 column_config={"label": "Stage", "version": "Version", "status": "Status",
                                "sales_signoff_by": "Sales", "marketing_signoff_by": "Marketing"})
    tabs = st.tabs([str(label) for label in current["label"]])
    for tab, (_, row) in zip(tabs, current.iterrows(), strict=True):
        with tab:
            definition_tab(ctx, row)


def main() -> None:
    page_setup()
    st.title("Goals & definitions")
    ctx = context()
    quarter = quarter_picker(ctx)
    goals_section(ctx, quarter)
    pairs_section(ctx, quarter)
    targets_section(ctx, quarter)
    definitions_section(ctx)


main()

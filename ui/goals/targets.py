"""The quarter's targets for Marketing-sourced pipeline and bookings, with their editing."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from smarketing_data import format as fmt
from smarketing_data.metrics.goals import TARGET_METRICS, load_targets, set_target
from smarketing_data.metrics.quarters import Quarter
from ui import components, data
from ui.data import Context
from ui.goals.shared import can_edit, prefill, write

TARGET_LABELS = {
    "sourced_pipeline": "Marketing-sourced pipeline",
    "sourced_bookings": "Marketing-sourced bookings",
}


def save_targets(engine: Engine, quarter: Quarter) -> None:
    def action(who: str) -> str:
        before = load_targets(engine, quarter=quarter.label)
        changed = []
        for name in TARGET_METRICS:
            value = st.session_state.get(f"target_{name}")
            if value is not None and value != before[name]:
                amount = float(value)
                set_target(engine, quarter=quarter.label, metric=name, amount=amount, who=who)
                changed.append(f"{TARGET_LABELS[name]} {fmt.money(value)}")
        if not changed:
            return "Nothing changed."
        return f"Saved for {quarter.label}: {', '.join(changed)}."

    write("targets", action)


def targets_section(ctx: Context, quarter: Quarter | None) -> None:
    st.header("Targets")
    engine = ctx.engine
    if quarter is None:
        st.info("Targets are set per quarter; import data to pick a quarter.")
        return
    current = data.targets(ctx, quarter)
    cols = st.columns(len(TARGET_METRICS))
    for col, name in zip(cols, TARGET_METRICS, strict=True):
        value = current[name]
        col.metric(
            f"{TARGET_LABELS[name]} target, {quarter.label}",
            fmt.money(value) if value is not None else "not set",
        )
    components.show_flash("targets")
    if not can_edit():
        return
    for col, name in zip(cols, TARGET_METRICS, strict=True):
        prefill(f"target_{name}", current[name], (quarter.label, current[name]))
        col.number_input(
            f"{TARGET_LABELS[name]} ($)",
            min_value=0.0,
            step=10_000.0,
            value=None,
            format="%.0f",
            key=f"target_{name}",
        )
    st.button(
        "Save targets",
        key="save_targets",
        type="primary",
        on_click=save_targets,
        args=(engine, quarter),
    )

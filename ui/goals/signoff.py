"""The stage definitions Sales and Marketing signed: each stage's wording in force, its
sign-offs, proposing new wording, the version history and the page's change history.

The author and the signer are the session's identity, never a typed name; a sign-off needs a
real one (``ui.audit.named``), and the store refuses one person signing for both sides."""

from __future__ import annotations

from typing import Any

import streamlit as st
from sqlalchemy import Engine

from smarketing_data import definitions as defs
from smarketing_data.stages import STAGE_LABELS
from ui import audit as who_ui
from ui import components, data
from ui import definitions as ud
from ui.components import safe
from ui.data import Context
from ui.goals.shared import can_edit, prefill, write


def propose(engine: Engine, stage: str) -> None:
    def action(who: str) -> str:
        version = defs.propose_definition(
            engine, stage=stage, text=st.session_state[f"def_text_{stage}"], author=who
        )
        return (
            f"{STAGE_LABELS[stage]} version {version} saved; it needs a Sales and a "
            "Marketing sign-off."
        )

    write(f"def_{stage}", action)


def sign(engine: Engine, stage: str, side: str) -> None:
    def action(_who: str) -> str:
        signer = who_ui.named()
        if signer is None:
            raise defs.DefinitionError(who_ui.nameless("Signing off"))
        defs.sign_off(engine, stage=stage, side=side, name=signer)
        return f"Signed off for {defs.SIDE_LABELS[side]} as {signer}."

    write(f"def_{stage}", action)


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
        signoff_buttons(engine, row)
        with st.form(f"propose_form_{stage}"):
            prefill(f"def_text_{stage}", row["text"], (row["version"], row["text"]))
            st.text_area(
                "New wording", key=f"def_text_{stage}", max_chars=defs.MAX_TEXT, height=120
            )
            st.form_submit_button(
                "Propose new version",
                key=f"def_propose_{stage}",
                on_click=propose,
                args=(engine, stage),
            )
    with st.expander("Version history", icon=":material/history:"):
        past = data.definition_history(ctx, stage)
        if past.empty:
            st.caption("No saved versions yet.")
        else:
            st.dataframe(
                past,
                hide_index=True,
                width="stretch",
                column_order=[
                    "version",
                    "status",
                    "text",
                    "created_by",
                    "created_at",
                    "sales_signoff_by",
                    "sales_signoff_at",
                    "marketing_signoff_by",
                    "marketing_signoff_at",
                ],
            )


def signoff_buttons(engine: Engine, row: Any) -> None:
    """One button per side, signing as this session's identity (a side that signed this
    version is done; one person signing for both sides is refused by the store)."""
    stage, signer = row["stage"], who_ui.named()
    if signer is None:
        st.info(who_ui.nameless("Signing off"), icon=":material/badge:")
    else:
        st.caption(f"You sign off as {safe(signer)}.")
    for col, side in zip(st.columns(2), defs.SIDES, strict=True):
        col.button(
            f"Sign off for {defs.SIDE_LABELS[side]}",
            key=f"signoff_{side}_{stage}",
            on_click=sign,
            args=(engine, stage, side),
            disabled=signer is None or isinstance(row[f"{side}_signoff_by"], str),
        )


def definitions_section(ctx: Context) -> None:
    st.header("Definitions")
    st.caption(
        "The lead stages as both teams agreed to count them. A version is agreed once "
        "one Sales owner and one Marketing owner have signed it; proposing new wording "
        "starts a new version that needs both sign-offs again."
    )
    current = data.definitions(ctx)
    st.dataframe(
        current,
        hide_index=True,
        width="stretch",
        column_order=["label", "version", "status", "sales_signoff_by", "marketing_signoff_by"],
        column_config={
            "label": "Stage",
            "version": "Version",
            "status": "Status",
            "sales_signoff_by": "Sales",
            "marketing_signoff_by": "Marketing",
        },
    )
    tabs = st.tabs([str(label) for label in current["label"]])
    for tab, (_, row) in zip(tabs, current.iterrows(), strict=True):
        with tab:
            definition_tab(ctx, row)

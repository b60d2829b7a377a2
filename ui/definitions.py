"""The agreed stage definitions beside the numbers they govern.

Any page can call ``show_definitions(ctx, ["mql", "sql"])`` under a chart: each stage's
current wording, its version and whether both Sales and Marketing signed it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from smarketing_data.definitions import stage_key
from ui import data
from ui.components import safe
from ui.data import Context


def signed_line(row: pd.Series) -> str:
    """'Sales: Ann Lee (2026-05-02) · Marketing: not signed', escaped for st.markdown."""
    parts = []
    for side, label in (("sales", "Sales"), ("marketing", "Marketing")):
        who, when = row[f"{side}_signoff_by"], row[f"{side}_signoff_at"]
        if pd.isna(who):
            parts.append(f"{label}: not signed")
        else:
            day = f" ({when:%Y-%m-%d})" if pd.notna(when) else ""
            parts.append(f"{label}: {safe(who)}{day}")
    return " · ".join(parts)


def status_badge(row: pd.Series) -> None:
    if row["agreed"]:
        st.badge("agreed", icon=":material/verified:", color="green")
    else:
        st.badge("not yet agreed", icon=":material/pending:", color="orange")


def show_definitions(ctx: Context, stages: list[str], *, expanded: bool = False) -> None:
    """The agreed definitions of ``stages`` (keys like 'mql' or labels like 'MQL') in one
    expander, each marked agreed or not yet agreed."""
    keys = [stage_key(s) for s in stages]
    frame = data.definitions(ctx)
    if frame.empty:
        return
    rows = frame.set_index("stage")
    names = ", ".join(str(rows.loc[k, "label"]) for k in keys)
    with st.expander(f"Definitions: {names}", expanded=expanded, icon=":material/menu_book:"):
        for key in keys:
            row = rows.loc[key]
            version = f"version {row['version']}" if row["version"] else "built-in default"
            st.markdown(f"**{safe(row['label'])}** · {version}")
            status_badge(row)
            st.markdown(safe(row["text"]))
            st.caption(signed_line(row))

"""Who is acting, for every record of who wrote or changed something (SPEC §8), and the
"Change history" table the Goals, Meeting and Data pages show of their own changes.

Who acts is ``access.identity()``: the sign-in e-mail or the name given with the passcode,
never a name typed into a form. On an open install (nothing configured, so the app listens
on this machine only) a session without a name acts as ``LOCAL_USER``: everyone at this
computer is one person. With access configured, a session nobody identified may read but
not write.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from smarketing_data import audit
from ui import access, data
from ui.data import Context

LOCAL_USER = "local user"
KIND_LABELS = {
    "goal": "Goal",
    "target": "Target",
    "definition": "Definition",
    "decision": "Decision",
    "note": "Note",
    "upload": "Upload",
}


def acting() -> str | None:
    """Who this session is, as written beside everything it changes; None when access is
    configured and nobody identified this session."""
    who = access.identity()
    if who:
        return who
    return LOCAL_USER if access.config().mode == "open" else None


def named() -> str | None:
    """The session's own identity, never ``LOCAL_USER``: what a sign-off needs, since two
    sign-offs by "this computer" would be one person signing for both sides."""
    return access.identity() or None


def nameless(action: str) -> str:
    """The message for an action refused because nobody is known to have done it."""
    if access.config().mode == "open":
        return (
            f"{action} needs your name, and none was given in this session (everyone at this "
            f"computer is the “{LOCAL_USER}”): give your name in the sidebar, then try again."
        )
    return (
        f"{action} records who did it, and this session has no name: sign in, or enter "
        "with your name and the passcode, then try again."
    )


@data.loader
def _changes(ctx: Context, kinds: tuple[str, ...]) -> pd.DataFrame:
    return audit.changes(ctx.engine, kinds=kinds)


def history_table(ctx: Context, found: pd.DataFrame) -> pd.DataFrame:
    """Changes as people read them, times in the business time zone."""
    zone = ctx.settings.zone
    when = [
        pd.Timestamp(t).tz_localize("UTC").tz_convert(zone).strftime("%Y-%m-%d %H:%M")
        for t in found["changed_at"]
    ]
    return pd.DataFrame(
        {
            f"When ({ctx.settings.timezone})": when,
            "Who": found["who"].fillna("not recorded"),
            "What": found["kind"].map(KIND_LABELS),
            "Which": found["item"],
            "Change": [f"{a}: {s}" for a, s in zip(found["action"], found["summary"], strict=True)],
        }
    )


def change_history(ctx: Context, kinds: Sequence[str], *, key: str) -> None:
    """The latest changes of these kinds, newest first, in a closed expander."""
    found = _changes(ctx, tuple(kinds))
    with st.expander("Change history", icon=":material/history:"):
        if found.empty:
            st.caption("No change recorded yet.")
            return
        st.dataframe(history_table(ctx, found), hide_index=True, width="stretch", key=key)

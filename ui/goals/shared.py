"""What the Goals & definitions screens share: who may edit, how a write reports its
outcome (and records who made it), and prefilling a form with the value in force."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import streamlit as st

from smarketing_data import definitions as defs
from smarketing_data.db import DatabaseError
from smarketing_data.metrics.goals import GoalError
from ui import access, components
from ui import audit as who_ui


def can_edit() -> bool:
    """Whether this visitor may change goals, targets and definitions (SPEC §8); every write
    on this page goes through ``write``, which asks this first."""
    return access.can_edit()


def write(section: str, action: Callable[[str], str]) -> None:
    """Run one write as this session's identity (recorded in the change history); its
    outcome is shown in its section, never as a traceback."""
    if not can_edit():
        components.flash(
            section, "error", "Only editors can change goals, targets and definitions."
        )
        return
    who = who_ui.acting()
    if who is None:
        components.flash(section, "error", who_ui.nameless("A change"))
        return
    try:
        done = action(who)
    except (GoalError, defs.DefinitionError, DatabaseError) as exc:
        components.flash(section, "error", str(exc))
    else:
        components.flash(section, "success", done)


def prefill(key: str, value: Any, basis: Hashable) -> None:
    """Show ``value`` in a keyed widget, unless the user is editing the same thing already."""
    marker = f"_basis_{key}"
    if key not in st.session_state or st.session_state.get(marker) != basis:
        st.session_state[key] = value
        st.session_state[marker] = basis

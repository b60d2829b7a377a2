"""Goals & definitions: the conversion goals, the quarter's targets and the stage definitions
Sales and Marketing signed (SPEC §4.3, §9 page 5). Every save bumps the data version, so the
other pages show the new goals at once."""

import streamlit as st

from ui import audit, components, data, filters
from ui.goals import rates, signoff, targets

components.page_setup()
st.title("Goals & definitions")
ctx = data.context()
quarter = filters.quarter_picker(ctx)
rates.goals_section(ctx, quarter)
rates.pairs_section(ctx, quarter)
targets.targets_section(ctx, quarter)
signoff.definitions_section(ctx)
audit.change_history(ctx, ("goal", "target", "definition"), key="goals_changes")

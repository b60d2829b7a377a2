"""Velocity & follow-up: how fast leads move, what fast wins share, which MQLs were worked."""

from ui import data, filters, velocity

ctx, quarter = filters.quarter_page("Velocity & follow-up")
tracked = data.tracked(ctx)
velocity.velocity_section(ctx, quarter, filters.velocity_base(tracked))
velocity.fastest_section(ctx, quarter)
velocity.followup_section(ctx, quarter)
velocity.referral_section(ctx, quarter, tracked)

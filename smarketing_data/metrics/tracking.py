"""Which funnel stages the data records (SPEC §3.10), and the cohort base that follows.

Lead is tracked when some journey enters as a lead; every other stage when some journey has
its own date for it (not one inferred from a later stage). Untracked stages are never shown
as counts or conversions: steps over them join the tracked stages on either side.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from smarketing_data.metrics import rollup_queries as rq
from smarketing_data.stages import STAGES, CohortBase


@dataclass(frozen=True)
class Tracked:
    """The stages the loaded data records."""

    stages: tuple[str, ...]

    @classmethod
    def everything(cls) -> Tracked:
        return cls(STAGES)

    def __contains__(self, stage: object) -> bool:
        return stage in self.stages

    def previous(self, stage: str) -> str | None:
        """The last tracked stage before ``stage``."""
        before = [s for s in STAGES[: STAGES.index(stage)] if s in self.stages]
        return before[-1] if before else None

    def first(self) -> str | None:
        return next((s for s in STAGES if s in self.stages), None)

    def default_base(self) -> CohortBase:
        """MQL, else Lead, else Opp (SPEC §4.1): the first of them the data tracks."""
        return next((base for base in CohortBase if base in self.stages), CohortBase.MQL)

    def to_json(self) -> dict[str, bool]:
        return {s: s in self.stages for s in STAGES}


def tracked_stages(conn: Connection | Engine) -> Tracked:
    """The stages the database tracks; an empty database counts as tracking all of them, so
    a new install shows zeros rather than "not tracked"."""
    counts = rq.stage_date_counts(conn)
    if not any(counts.values()):
        return Tracked.everything()
    return Tracked(tuple(s for s in STAGES if counts.get(s, 0) > 0))

"""The reports a QBR walks through, with stable keys: the funnel and the twelve ranked reports.

Commentary, decisions, presenter mode and every export refer to reports by these keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from smarketing_data.stages import STAGE_LABELS

REPORT_STAGES = ("sql", "opp", "won")
PLURAL = {"sql": "SQLs", "opp": "Opportunities", "won": "Closed Won"}


@dataclass(frozen=True)
class ReportRef:
    key: str  # 'funnel', 'contribution', 'campaigns.sql.top', 'reps.won.bottom', ...
    title: str
    entity: str | None = None  # 'campaigns' | 'reps' | None
    stage: str | None = None
    side: str | None = None  # 'top' | 'bottom'


def _ranked() -> list[ReportRef]:
    refs = []
    for entity in ("campaigns", "reps"):
        for stage in REPORT_STAGES:
            for side in ("top", "bottom"):
                if entity == "campaigns":
                    title = f"{side.title()} campaigns by {PLURAL[stage]}"
                else:
                    title = f"{side.title()} reps by conversion to {STAGE_LABELS[stage]}"
                refs.append(ReportRef(f"{entity}.{stage}.{side}", title, entity, stage, side))
    return refs


FUNNEL = ReportRef("funnel", "Funnel against goals")
CONTRIBUTION = ReportRef("contribution", "Marketing contribution")
RANKED: tuple[ReportRef, ...] = tuple(_ranked())
# The order a meeting walks through them: funnel, the twelve, contribution.
ALL: tuple[ReportRef, ...] = (FUNNEL, *RANKED, CONTRIBUTION)
BY_KEY = {r.key: r for r in ALL}

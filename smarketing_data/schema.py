"""Every table of the product, in one place (SPEC §3).

Raw records keep what the CRM exported (leads, opportunities, campaign members, campaigns,
reps); ``journeys`` holds one row per lead plus the derived funnel columns that the journey
rules compute from the raw records. Bookkeeping columns on raw tables (``row_hash``,
``created_upload_id``, ``last_upload_id``) make re-imports idempotent and uploads undoable.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
)

# 2: the Opp cohort base and the tracked-stage counts (rollups rebuilt on upgrade).
SCHEMA_VERSION = 2

metadata = MetaData()


def _bookkeeping() -> list[Column]:
    return [
        Column("row_hash", BigInteger, nullable=False),
        Column("created_upload_id", Integer, nullable=False),
        Column("last_upload_id", Integer, nullable=False),
    ]


meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row per journey: leads/contacts (kind 'lead') and opportunities linked to no lead
# (kind 'opp', entirely derived). Columns prefixed ``lead_`` keep what the lead record said;
# the unprefixed funnel columns are what the journey rules of SPEC §3 make of it.
journeys = Table(
    "journeys",
    metadata,
    Column("journey_id", String(255), primary_key=True),
    Column("source", String(32), nullable=False),
    Column("record_id", String(255), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("entry_stage", String(8), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("campaign_id", String(255)),
    Column("rep_id", String(255)),
    Column("channel", String(255)),
    Column("segment", String(255)),
    Column("region", String(255)),
    Column("company", String(1024)),
    Column("industry", String(255)),
    Column("mql_at", DateTime),
    Column("sal_at", DateTime),
    Column("sql_at", DateTime),
    Column("opp_at", DateTime),
    Column("won_at", DateTime),
    Column("lost_at", DateTime),
    Column("first_touch_at", DateTime),
    Column("amount", Double),
    Column("won_amount", Double),
    Column("disqualified_reason", String(1024)),
    # the reached-stage dates of SPEC §3.1-3.2 (null: not reached)
    Column("reach_lead_at", DateTime),
    Column("reach_mql_at", DateTime),
    Column("reach_sal_at", DateTime),
    Column("reach_sql_at", DateTime),
    Column("reach_opp_at", DateTime),
    Column("reach_won_at", DateTime),
    # as exported on the lead row (inputs to the journey rules)
    Column("lead_campaign_id", String(255)),
    Column("lead_opp_at", DateTime),
    Column("lead_won_at", DateTime),
    Column("lead_lost_at", DateTime),
    Column("lead_amount", Double),
    Column("lead_won_amount", Double),
    Column("converted_opportunity_id", String(255)),
    Column("converted_contact_id", String(255)),
    Column("associated_opp_ids", Text),
    Column("row_hash", BigInteger),
    Column("created_upload_id", Integer),
    Column("last_upload_id", Integer),
)
Index("ix_journeys_source", journeys.c.source)
# The pages that read journeys (velocity, follow-up, drill-down) filter on these; everything
# else reads the rollups.
Index("ix_journeys_reach_mql", journeys.c.reach_mql_at)
Index("ix_journeys_reach_won", journeys.c.reach_won_at)
Index("ix_journeys_campaign", journeys.c.campaign_id)
Index("ix_journeys_rep", journeys.c.rep_id)

opportunities = Table(
    "opportunities",
    metadata,
    Column("opp_key", String(255), primary_key=True),
    Column("source", String(32), nullable=False),
    Column("record_id", String(255), nullable=False),
    Column("name", String(1024)),
    Column("stage", String(255)),
    Column("created_at", DateTime, nullable=False),
    Column("close_date", DateTime),
    Column("is_closed", Integer, nullable=False),
    Column("is_won", Integer, nullable=False),
    Column("amount", Double),
    Column("campaign_id", String(255)),
    Column("rep_id", String(255)),
    Column("channel", String(255)),
    Column("associated_lead_ids", Text),
    # derived: the journey this opportunity counts in
    Column("journey_id", String(255)),
    *_bookkeeping(),
)
Index("ix_opportunities_source", opportunities.c.source)

campaign_members = Table(
    "campaign_members",
    metadata,
    Column("member_key", String(512), primary_key=True),
    Column("source", String(32), nullable=False),
    Column("campaign_id", String(255), nullable=False),
    Column("lead_key", String(255)),
    Column("contact_key", String(255)),
    Column("created_at", DateTime),
    Column("first_responded_at", DateTime),
    *_bookkeeping(),
)
Index("ix_campaign_members_source", campaign_members.c.source)

campaigns = Table(
    "campaigns",
    metadata,
    Column("campaign_id", String(255), primary_key=True),
    Column("source", String(32), nullable=False),
    Column("name", String(1024)),
    Column("channel", String(255)),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("budget", Double),
    Column("actual_cost", Double),
    *_bookkeeping(),
)

reps = Table(
    "reps",
    metadata,
    Column("rep_id", String(255), primary_key=True),
    Column("source", String(32), nullable=False),
    Column("name", String(1024)),
    Column("team", String(255)),
    Column("region", String(255)),
    *_bookkeeping(),
)

uploads = Table(
    "uploads",
    metadata,
    Column("upload_id", Integer, Sequence("uploads_id_seq"), primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("user_name", String(255)),
    Column("origin", String(16), nullable=False),  # 'import' or 'sample'
    Column("status", String(16), nullable=False),  # 'applied' or 'undone'
    Column("undone_at", DateTime),
)

upload_files = Table(
    "upload_files",
    metadata,
    Column("upload_file_id", Integer, Sequence("upload_files_id_seq"), primary_key=True),
    Column("upload_id", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("file_name", String(1024), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("format", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("notes", Text),
)
Index("ix_upload_files_upload", upload_files.c.upload_id)

rejected_rows = Table(
    "rejected_rows",
    metadata,
    Column("rejected_row_id", Integer, Sequence("rejected_rows_id_seq"), primary_key=True),
    Column("upload_file_id", Integer, nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("data", Text),
)
Index("ix_rejected_rows_file", rejected_rows.c.upload_file_id)

# The values an upload replaced or deleted, so that undo can put them back exactly.
record_history = Table(
    "record_history",
    metadata,
    Column("history_id", Integer, Sequence("record_history_id_seq"), primary_key=True),
    Column("upload_id", Integer, nullable=False),
    Column("table_name", String(64), nullable=False),
    Column("record_key", String(512), nullable=False),
    Column("action", String(8), nullable=False),  # 'update' | 'delete'
    Column("old_upload_id", Integer),  # the upload that last wrote the replaced values
    Column("old_values", Text, nullable=False),
)
Index("ix_record_history_upload", record_history.c.upload_id)

# Confirmed column mappings for unrecognised exports, keyed by the header signature.
mappings = Table(
    "mappings",
    metadata,
    Column("signature", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("source", String(32), nullable=False),
    Column("columns", Text, nullable=False),
    Column("headers", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

goals = Table(
    "goals",
    metadata,
    Column("goal_id", Integer, Sequence("goals_id_seq"), primary_key=True),
    Column("quarter", String(16), nullable=False),  # '' for the default goal
    Column("from_stage", String(8), nullable=False),
    Column("to_stage", String(8), nullable=False),
    Column("rate", Double, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(255)),
)

targets = Table(
    "targets",
    metadata,
    Column("target_id", Integer, Sequence("targets_id_seq"), primary_key=True),
    Column("quarter", String(16), nullable=False),
    Column("metric", String(32), nullable=False),  # 'sourced_pipeline' | 'sourced_bookings'
    Column("amount", Double, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(255)),
)

definitions = Table(
    "definitions",
    metadata,
    Column("definition_id", Integer, Sequence("definitions_id_seq"), primary_key=True),
    Column("stage", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(255)),
    Column("sales_signoff_by", String(255)),
    Column("sales_signoff_at", DateTime),
    Column("marketing_signoff_by", String(255)),
    Column("marketing_signoff_at", DateTime),
)

notes = Table(
    "notes",
    metadata,
    Column("note_id", Integer, Sequence("notes_id_seq"), primary_key=True),
    Column("quarter", String(16), nullable=False),
    Column("report", String(64), nullable=False),
    Column("side", String(16), nullable=False),  # 'sales' | 'marketing'
    Column("author", String(255), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("decision_id", Integer, Sequence("decisions_id_seq"), primary_key=True),
    Column("quarter", String(16), nullable=False),
    Column("report", String(64)),
    Column("what", Text, nullable=False),
    Column("owner", String(255)),
    Column("due_quarter", String(16)),
    Column("status", String(16), nullable=False),  # 'open' | 'done' | 'dropped'
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Who changed what and when (SPEC §8): one row per change to a goal, target, definition,
# decision, note or upload, written in the transaction of the change. A table added here
# needs no schema version: init_schema creates missing tables on an existing database.
audit = Table(
    "audit",
    metadata,
    Column("audit_id", Integer, Sequence("audit_id_seq"), primary_key=True),
    Column("changed_at", DateTime, nullable=False),
    Column("who", String(255)),  # the signed-in identity; null only for an unknown actor
    Column("kind", String(16), nullable=False),  # goal, target, definition, decision, ...
    Column("item", String(255), nullable=False),  # which one: 'MQL→SAL · 2026-Q2', '12'
    Column("action", String(32), nullable=False),  # 'set', 'removed', 'signed off', ...
    Column("summary", Text, nullable=False),  # old → new, in words
)
Index("ix_audit_kind_item", audit.c.kind, audit.c.item)


# Rollups refreshed whenever journeys change (SPEC §7): signed counts per calendar month of
# the stage date (activity) or of the cohort's base-stage date (cohort). Rows are appended as
# deltas and compacted; readers always SUM, so several rows for one key are fine.
def _rollup(name: str, *dims: str, cohort: bool = False, amount: bool = True) -> Table:
    columns: list[Column] = [Column("month", Date, nullable=False)]
    if cohort:
        columns.append(Column("base", String(8), nullable=False))
    columns.append(Column("stage", String(8), nullable=False))
    columns.extend(Column(d, String(255)) for d in dims)
    columns.append(Column("n", BigInteger, nullable=False))
    if amount:
        columns.append(Column("amount", Double, nullable=False))
    table = Table(name, metadata, *columns)
    Index(f"ix_{name}_month", table.c.month)
    return table


agg_activity_campaign = _rollup("agg_activity_campaign", "campaign_id", "channel")
agg_activity_rep = _rollup("agg_activity_rep", "rep_id")
agg_cohort_campaign = _rollup(
    "agg_cohort_campaign", "campaign_id", "channel", cohort=True, amount=False
)
agg_cohort_rep = _rollup("agg_cohort_rep", "rep_id", cohort=True, amount=False)

# Per stage, how many journeys carry their own date for it (Lead: how many enter as leads):
# a stage no journey records is "not tracked" (SPEC §3.10). Signed deltas, like the others.
agg_stage_dates = Table(
    "agg_stage_dates",
    metadata,
    Column("stage", String(8), nullable=False),
    Column("n", BigInteger, nullable=False),
)
ROLLUP_TABLES = (
    "agg_activity_campaign",
    "agg_activity_rep",
    "agg_cohort_campaign",
    "agg_cohort_rep",
    "agg_stage_dates",
)

# Raw tables an upload writes, with their key column.
RAW_TABLES: dict[str, str] = {
    "journeys": "journey_id",
    "opportunities": "opp_key",
    "campaign_members": "member_key",
    "campaigns": "campaign_id",
    "reps": "rep_id",
}

"""Helping a person bring in a file the import does not recognise (SPEC §5.1): a suggested
column mapping and kind, a readable preview of mapped records, and the canonical templates.

Suggestions come from names first (every known profile's header names, the canonical names
and a few everyday synonyms) and are then weighed by what the values look like, so a column of
dates is offered for a date field and a column of money for an amount.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import pandas as pd

from smarketing_data.config import Settings
from smarketing_data.ingest.formats import (
    PROFILES,
    Profile,
    header_words,
    is_disqualified_reason_column,
    is_first_touch_column,
    stage_of_column,
)
from smarketing_data.ingest.mapping import AMOUNT_FIELDS, BOOL_FIELDS, DATE_FIELDS, DATETIME_FIELDS
from smarketing_data.ingest.pipeline import FileInput
from smarketing_data.ingest.read import read_table
from smarketing_data.ingest.values import parse_amounts, parse_booleans, parse_datetimes

# The targets a mapping can feed: each has a canonical profile whose fields the mapping names
# (campaign members come only from Salesforce, which is always recognised).
MAPPABLE_TARGETS = ("leads", "opportunities", "campaigns", "reps")
TARGET_LABELS = {
    "leads": "Leads / contacts (journeys)",
    "opportunities": "Opportunities / deals",
    "campaigns": "Campaigns",
    "reps": "Reps / users",
}
SAMPLE_ROWS = 200
# A name must be at least this similar to be suggested on its name alone; below it, only a
# value match (a date column for the created date, money for the amount) can suggest it.
SUGGEST_THRESHOLD = 0.6
# Share of a sample's non-blank values that must parse for a column to "hold" that type.
MOSTLY = 0.8
# Spelling alone is weak evidence: "company" and "campaign" are 67% alike.
SPELLING_WEIGHT = 0.8
# Two words this alike are the same word spelled differently (plurals, typos).
WORD_MATCH = 0.85
# Another target's header name for the same field is good evidence, but less than our own.
OTHER_TARGET_WEIGHT = 0.85

# Everyday names a CRM uses for a field, beyond the profiles' header names.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "record_id": ("id", "record id", "key", "external id"),
    "created_at": (
        "created",
        "created on",
        "date created",
        "creation date",
        "opened",
        "opened on",
        "date added",
        "added on",
        "signup date",
    ),
    "rep": ("owner", "rep", "sales rep", "assigned to", "salesperson", "sdr", "bdr"),
    "channel": ("source", "lead source", "channel", "medium", "utm medium", "utm source"),
    "campaign": ("campaign", "utm campaign", "campaign name", "campaign id"),
    "amount": ("amount", "value", "deal value", "revenue", "deal size", "opportunity value"),
    "won_amount": ("won amount", "booked amount", "bookings"),
    "close_date": ("close date", "closed on", "closing date", "date closed", "closed date"),
    "company": ("company", "account", "organization", "organisation", "account name"),
    "industry": ("industry", "vertical", "sector"),
    "segment": ("segment", "tier", "company size"),
    "region": ("region", "territory", "country", "geo"),
    "stage": ("stage", "deal stage", "pipeline stage"),
    "status": ("status",),
    "is_won": ("won", "is won", "closed won"),
    "is_closed": ("closed", "is closed"),
    "name": ("name", "full name"),
    "team": ("team", "department", "role"),
    "budget": ("budget", "planned cost", "budgeted cost"),
    "actual_cost": ("actual cost", "spend", "cost", "actual spend"),
    "start_date": ("start date", "starts on", "launch date"),
    "end_date": ("end date", "ends on"),
    "mql_at": ("mql date", "marketing qualified date"),
    "sal_at": ("sal date", "sales accepted date"),
    "sql_at": ("sql date", "sales qualified date"),
    "opp_at": ("opportunity date", "became an opportunity date"),
    "won_at": ("won date", "customer date", "became a customer date"),
    "lost_at": ("lost date",),
    "first_touch_at": ("first touch", "first call date", "first contacted"),
    "disqualified_reason": ("disqualified reason", "disqualification reason"),
    "associated_lead_ids": ("lead id", "contact id", "journey id", "associated contact ids"),
}
# Names that mean a field only in one kind of file ("Title" is a deal's name, a user's role).
TARGET_EXTRA_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("opportunities", "name"): ("title", "deal title", "opportunity", "deal"),
    ("campaigns", "channel"): ("type", "kind", "campaign type"),
    ("reps", "team"): ("title", "job title"),
    ("reps", "record_id"): ("user id", "owner id", "employee id", "email"),
}
# Words that mean the same thing in column names.
WORD_SYNONYMS = {
    "no": "id",
    "nr": "id",
    "num": "id",
    "number": "id",
    "identifier": "id",
    "ref": "id",
    "create": "created",
    "creation": "created",
    "createdate": "created",
    "opened": "created",
    "added": "created",
    "dt": "date",
}
# Words in headers that point at what a file holds, for guess_target.
TARGET_HINTS: dict[str, frozenset[str]] = {
    "leads": frozenset({"lead", "leads", "contact", "mql", "sql", "lifecycle", "prospect"}),
    "opportunities": frozenset(
        {"deal", "deals", "opportunity", "opp", "stage", "pipeline", "close", "won", "probability"}
    ),
    "campaigns": frozenset({"budget", "budgeted", "cost", "spend", "start", "end", "launch"}),
    "reps": frozenset({"user", "username", "team", "department", "title", "manager", "quota"}),
}
# The words of a file's id column ("Lead No", "Deal ID", "User Id") name what a row is.
ID_HINTS: dict[str, frozenset[str]] = {
    "leads": frozenset({"lead", "contact", "journey", "prospect", "person"}),
    "opportunities": frozenset({"deal", "opportunity", "opp"}),
    "campaigns": frozenset({"campaign"}),
    "reps": frozenset({"user", "rep", "owner", "employee", "agent"}),
}
# Fields every target has: a match on them says little about which target a file is.
GENERIC_FIELDS = frozenset({"record_id", "name", "channel", "region", "created_at"})
_MONEY_MARK = re.compile(r"[.,$€£¥₹]|[A-Z]{3}")


def canonical_profile(target: str) -> Profile:
    """The canonical profile of a target: its fields are what a mapping may name."""
    for p in PROFILES:
        if p.format == "canonical" and p.target == target:
            return p
    raise ValueError(f"no canonical fields for {target!r}")


def mapping_fields(target: str) -> list[str]:
    """The canonical fields a mapping for ``target`` can fill, in the template's order."""
    return list(canonical_profile(target).fields)


def required_fields(target: str) -> list[str]:
    """The fields a mapping for ``target`` must name (an either/or group counts as each)."""
    p = canonical_profile(target)
    out = list(p.required)
    for group in p.required_any:
        out.extend(f for f in group if f not in out)
    return out


# --- names --------------------------------------------------------------------------------


def _compact(name: str) -> str:
    return "".join(ch for ch in str(name).casefold() if ch.isalnum())


def _words(name: str) -> frozenset[str]:
    return frozenset(WORD_SYNONYMS.get(w, w) for w in header_words(name))


@lru_cache(maxsize=65536)
def _word_overlap(wa: frozenset[str], wb: frozenset[str]) -> float:
    """Shared words over all words, where near spellings ("opportunities"/"opportunity")
    count as shared."""
    matched = 0
    for w in wa:
        if w in wb or any(SequenceMatcher(None, w, v).ratio() >= WORD_MATCH for v in wb):
            matched += 1
    return matched / (len(wa) + len(wb) - matched)


@lru_cache(maxsize=65536)
def name_similarity(header: str, candidate: str) -> float:
    """How alike two column names are, 0–1: 1 when equal ignoring case, spaces and punctuation;
    otherwise their shared words (after synonyms), or for a name glued into one word
    ("LeadSource__c") the similarity of their spelling."""
    a, b = _compact(header), _compact(candidate)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    wa, wb = _words(header), _words(candidate)
    if not wa or not wb:
        return 0.0
    if wa == wb:
        return 0.95
    shared = _word_overlap(wa, wb)
    if min(len(wa), len(wb)) > 1:
        return shared
    return max(shared, SequenceMatcher(None, a, b).ratio() * SPELLING_WEIGHT)


@lru_cache(maxsize=8)
def _known_names(target: str) -> dict[str, list[tuple[str, float]]]:
    """Per canonical field of ``target``: every name it goes by, with how much to trust it."""
    names: dict[str, list[tuple[str, float]]] = {f: [(f, 1.0)] for f in mapping_fields(target)}
    for p in PROFILES:
        weight = 1.0 if p.target == target else OTHER_TARGET_WEIGHT
        for fname, candidates in p.fields.items():
            if fname in names:
                names[fname].extend((c, weight) for c in candidates)
    for fname, extra in EXTRA_NAMES.items():
        if fname in names:
            names[fname].extend((c, 1.0) for c in extra)
    for (for_target, fname), extra in TARGET_EXTRA_NAMES.items():
        if for_target == target:
            names[fname].extend((c, 1.0) for c in extra)
    return names


def _name_score(header: str, fname: str, names: list[tuple[str, float]]) -> float:
    if fname in ("mql_at", "sal_at", "sql_at") and stage_of_column(header) == fname:
        return 1.0
    if fname == "first_touch_at" and is_first_touch_column(header):
        return 1.0
    if fname == "disqualified_reason" and is_disqualified_reason_column(header):
        return 1.0
    return max(name_similarity(header, n) * w for n, w in names)


# --- values -------------------------------------------------------------------------------


class _Sniff:
    """What one column's sample values look like: shares of dates, numbers and booleans."""

    def __init__(self, values: pd.Series) -> None:
        text = values.astype(object).map(lambda v: "" if pd.isna(v) else str(v).strip())
        present = text[text != ""]
        self.blank = present.empty
        self.distinct = not self.blank and present.is_unique and len(present) == len(text)
        self.money = bool(present.str.contains(_MONEY_MARK).any()) if not self.blank else False
        if self.blank:
            self.dates = self.numbers = self.booleans = 0.0
            return
        n = len(present)
        # pure digits are ids or counts far more often than epoch timestamps
        digits = present.str.fullmatch(r"\d+")
        dated = ~parse_datetimes(present).invalid & ~digits
        self.dates = float(dated.sum()) / n
        self.numbers = float((~parse_amounts(present).invalid).sum()) / n
        self.booleans = float((~parse_booleans(present).invalid).sum()) / n


def _fit(fname: str, sniff: _Sniff) -> float:
    """How well a column's values suit a field, 0 (not at all) to 1."""
    if sniff.blank:
        return 0.9
    if fname in DATETIME_FIELDS or fname in DATE_FIELDS:
        return 0.0 if sniff.dates == 0 else 0.6 + 0.4 * sniff.dates
    if fname in AMOUNT_FIELDS:
        if sniff.numbers == 0:
            return 0.0
        # a column of 0/1 flags is numeric too, but is hardly money
        return 0.5 if sniff.booleans >= MOSTLY and not sniff.money else 0.6 + 0.4 * sniff.numbers
    if fname in BOOL_FIELDS:
        return 0.0 if sniff.booleans == 0 else 0.6 + 0.4 * sniff.booleans
    return 0.3 if sniff.dates >= MOSTLY else 1.0


# --- suggestions --------------------------------------------------------------------------


@dataclass
class _Scored:
    """One file scored against one target's fields."""

    headers: list[str]
    sniffs: dict[str, _Sniff]
    by_name: dict[tuple[str, str], float]  # (field, header) -> name similarity
    overall: dict[tuple[str, str], float]  # name similarity weighed by the values' fit


def _sniffs(headers: list[str], sample: pd.DataFrame) -> dict[str, _Sniff]:
    out = {}
    for i, h in enumerate(headers):
        if i < sample.shape[1]:
            values = sample.iloc[:, i]
        else:
            values = pd.Series([], dtype=object)
        out[h] = _Sniff(values.head(SAMPLE_ROWS))
    return out


def _score(headers: list[str], sniffs: dict[str, _Sniff], target: str) -> _Scored:
    names = _known_names(target)
    by_name: dict[tuple[str, str], float] = {}
    overall: dict[tuple[str, str], float] = {}
    for fname, known in names.items():
        for h in headers:
            score = _name_score(h, fname, known)
            by_name[fname, h] = score
            overall[fname, h] = score * _fit(fname, sniffs[h])
    return _Scored(headers, sniffs, by_name, overall)


def _primary_date(target: str) -> str | None:
    return {"leads": "created_at", "opportunities": "created_at", "campaigns": "start_date"}.get(
        target
    )


def _amount_field(target: str) -> str | None:
    return {"leads": "amount", "opportunities": "amount", "campaigns": "actual_cost"}.get(target)


def _fill_by_values(target: str, chosen: dict[str, str | None], scored: _Scored) -> None:
    """Fields still open that the values can settle: the first date column for the created
    date, a money column for the amount, a column of distinct values for the id."""
    used = {h for h in chosen.values() if h}
    free = [h for h in scored.headers if h not in used]
    sniffs, by_name = scored.sniffs, scored.by_name

    def take(fname: str, ok: list[str]) -> None:
        if chosen.get(fname) is None and ok:
            chosen[fname] = ok[0]
            free.remove(ok[0])

    primary = _primary_date(target)
    if primary:
        take(primary, [h for h in free if sniffs[h].dates >= MOSTLY])
    for fname in mapping_fields(target):
        if fname in DATETIME_FIELDS or fname in DATE_FIELDS:
            dated = [h for h in free if sniffs[h].dates >= MOSTLY and by_name[fname, h] >= 0.55]
            take(fname, dated)
    amount = _amount_field(target)
    if amount:
        money = [
            h
            for h in free
            if sniffs[h].numbers >= MOSTLY
            and sniffs[h].dates < MOSTLY
            and sniffs[h].booleans < MOSTLY
            and (sniffs[h].money or by_name[amount, h] >= 0.4)
            and "id" not in _words(h)
        ]
        take(amount, money)
    distinct = [
        h for h in free if sniffs[h].distinct and sniffs[h].dates < MOSTLY and not sniffs[h].money
    ]
    take("record_id", distinct)


def _suggest(scored: _Scored, target: str) -> dict[str, str | None]:
    fields = mapping_fields(target)
    required = set(required_fields(target))
    position = {h: i for i, h in enumerate(scored.headers)}
    ranked = sorted(
        (
            (score, fname, h)
            for (fname, h), score in scored.overall.items()
            if score >= SUGGEST_THRESHOLD
        ),
        key=lambda t: (-t[0], t[1] not in required, position[t[2]], fields.index(t[1])),
    )
    chosen: dict[str, str | None] = dict.fromkeys(fields)
    used: set[str] = set()
    for _, fname, h in ranked:
        if chosen[fname] is None and h not in used:
            chosen[fname] = h
            used.add(h)
    _fill_by_values(target, chosen, scored)
    return chosen


def suggest_mapping(headers: list[str], sample: pd.DataFrame, target: str) -> dict[str, str | None]:
    """Canonical field -> the header suggested for it (None when nothing fits), for ``target``.

    ``sample`` holds the file's first rows as text, one column per header, in the headers'
    order. Each header is suggested for at most one field; the best-scoring pairs go first.
    """
    headers = [str(h) for h in headers]
    return _suggest(_score(headers, _sniffs(headers, sample), target), target)


def guess_target(headers: list[str], sample: pd.DataFrame) -> str:
    """What the file most likely holds: 'leads', 'opportunities', 'campaigns' or 'reps'.

    Each target scores the fields its suggestion fills (by name; a field filled from the
    values alone counts little), the headers with words typical of it, and above all the
    words of the file's id column; a target whose required fields stay open scores half.
    """
    headers = [str(h) for h in headers]
    sniffs = _sniffs(headers, sample)
    words = [_words(h) for h in headers]
    id_words = next((w for w in words if "id" in w), frozenset())
    best, best_score = MAPPABLE_TARGETS[0], -1.0
    for target in MAPPABLE_TARGETS:
        scored = _score(headers, sniffs, target)
        suggestion = _suggest(scored, target)
        score = 0.0
        for fname, h in suggestion.items():
            if h is not None:
                weight = 0.3 if fname in GENERIC_FIELDS else 1.0
                named = scored.by_name[fname, h]
                score += weight * (named if named >= SUGGEST_THRESHOLD else 0.25)
        score += 0.5 * sum(1 for w in words if w & TARGET_HINTS[target])
        score += 2.0 if id_words & ID_HINTS[target] else 0.0
        if any(suggestion[f] is None for f in required_fields(target)):
            score *= 0.5
        if score > best_score:
            best, best_score = target, score
    return best


def read_sample(item: FileInput, settings: Settings) -> tuple[list[str], pd.DataFrame]:
    """A readable file's header row and first rows (as text), for the mapping step.

    Raises ``FileError`` (from the reader) when the file cannot be read as a table.
    """
    raw = read_table(
        item.data,
        file_name=item.name,
        max_bytes=settings.max_upload_bytes,
        max_rows=settings.max_rows,
    )
    return [str(c) for c in raw.frame.columns], raw.frame.head(SAMPLE_ROWS).reset_index(drop=True)


def default_source(file_name: str) -> str:
    """A record-key prefix from a file name: 'MyCRM_leads 2026.csv' -> 'mycrm'."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    first = re.split(r"[\s_.\-]+", stem.strip())[0] if stem.strip() else ""
    return clean_source(first)


def clean_source(text: str) -> str:
    """A source name as record keys use it: lower case letters, digits and dashes, 1–32 long."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:32].strip("-")
    return cleaned or "custom"


# --- preview ------------------------------------------------------------------------------

# Bookkeeping columns of mapped records that mean nothing to the person checking a file.
PREVIEW_HIDDEN = ("row_hash", "source", "kind", "is_deleted")
# A lead's own values are kept apart from what its opportunities add; show them by SPEC name.
PREVIEW_NAMES = {
    "lead_campaign_id": "campaign_id",
    "lead_opp_at": "opp_at",
    "lead_won_at": "won_at",
    "lead_lost_at": "lost_at",
    "lead_amount": "amount",
    "lead_won_amount": "won_amount",
}


def preview_records(records: pd.DataFrame, rows: int = 20) -> pd.DataFrame:
    """The first mapped records as they will be stored: spreadsheet row number first, then
    the fields the file fills (columns blank in every previewed row are left out)."""
    head = records.head(rows)
    keep = [c for c in head.columns if c not in PREVIEW_HIDDEN and c != "row_number"]
    keep = [c for c in keep if head[c].notna().any()]
    out = head[keep].copy()
    if "row_number" in head:
        out.insert(0, "row", head["row_number"].astype("int64"))
    return out.rename(columns=PREVIEW_NAMES).reset_index(drop=True)


# --- templates ----------------------------------------------------------------------------

TEMPLATE_EXAMPLES: dict[str, dict[str, str]] = {
    "leads": {
        "journey_id": "mycrm:L-1001",
        "entry_stage": "lead",
        "created_at": "2026-04-02 09:15",
        "campaign_id": "spring-webinar",
        "rep_id": "rita.rep",
        "channel": "Webinar",
        "segment": "Mid-Market",
        "region": "EMEA",
        "company": "Acme GmbH",
        "industry": "Software",
        "mql_at": "2026-04-03 10:00",
        "sal_at": "2026-04-04 11:30",
        "sql_at": "2026-04-10 15:00",
        "opp_at": "2026-04-20 10:00",
        "first_touch_at": "2026-04-03 12:00",
        "amount": "12000",
    },
    "opportunities": {
        "opportunity_id": "D-2001",
        "journey_id": "mycrm:L-1001",
        "name": "Acme GmbH - new business",
        "stage": "Closed Won",
        "created_at": "2026-04-20 10:00",
        "close_date": "2026-06-15",
        "is_closed": "true",
        "is_won": "true",
        "amount": "12000",
        "campaign_id": "spring-webinar",
        "rep_id": "rita.rep",
        "channel": "Webinar",
    },
    "campaigns": {
        "campaign_id": "spring-webinar",
        "name": "Spring webinar series",
        "channel": "Webinar",
        "start_date": "2026-04-01",
        "end_date": "2026-05-31",
        "budget": "15000",
        "actual_cost": "13250",
    },
    "reps": {"rep_id": "rita.rep", "name": "Rita Rep", "team": "Inside Sales", "region": "EMEA"},
}


def template_columns(target: str) -> list[str]:
    """The canonical file's header row for ``target`` (SPEC §3 names)."""
    return [names[0] for names in canonical_profile(target).fields.values()]


def template_csv(target: str = "leads") -> bytes:
    """A canonical template: the header row and one example row that imports as it is."""
    columns = template_columns(target)
    example = TEMPLATE_EXAMPLES[target]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([example.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8")

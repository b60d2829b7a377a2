"""Helping a person bring in a file the import does not recognise (SPEC §5.1): a suggested
mapping (kind, columns, fixed values, value maps and date orders), a readable preview of
mapped records, and the canonical templates.

A suggestion reads an unfamiliar export the way a person does:

- names first: every known profile's header names, the canonical names, everyday synonyms,
  and the head word of a compound name ("Account Owner Territory" is a territory, "Lead
  Owner" an owner, "estimated_value" a value);
- then what the values look like: dates for a date field, money for an amount, distinct
  tokens for an id. A numeric measure (revenue, employees, counts, sizes, years,
  probabilities, scores) is never an id, and is an amount only when its name says amount,
  value or price or its values are written as money;
- then what the file as a whole says: a list keyed by MQL ids is a list of MQLs (entry stage
  MQL, its created date also its MQL date); a list of won deals gets the stage Won and its won
  date as created and close date; a deals file keyed only by lead ids uses them as its own ids
  too; a team list keyed by the reps' names uses the name as the id; a day/month order the
  values prove is stated for the column; channel values are mapped onto the product's names.

``tests/data/headers`` holds real public exports with the mapping a person would accept;
``tests/test_suggest_corpus.py`` checks the suggestions against them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from smarketing_data import schema
from smarketing_data.config import Settings
from smarketing_data.db import DatabaseError, describe_error
from smarketing_data.ingest.formats import (
    PROFILES,
    Profile,
    header_words,
    is_disqualified_reason_column,
    stage_of_column,
)
from smarketing_data.ingest.mapping import (
    AMOUNT_FIELDS,
    BOOL_FIELDS,
    CHANNEL_SYNONYMS,
    DATE_FIELDS,
    DATETIME_FIELDS,
    ID_FIELDS,
    LIST_FIELDS,
    Rejection,
    normalize_channel,
)
from smarketing_data.ingest.pipeline import FileInput
from smarketing_data.ingest.read import read_table
from smarketing_data.ingest.store import existing_hashes, table_for
from smarketing_data.ingest.update_mode import FIELD_COLUMNS as UPDATE_FIELD_COLUMNS
from smarketing_data.ingest.update_mode import updated_columns
from smarketing_data.ingest.values import parse_amounts, parse_booleans, parse_datetimes
from smarketing_data.stages import reached_dates

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
# A header whose head word names a field ("Account Owner Territory", "estimated_value") is a
# good candidate, but weaker than a name a CRM actually uses for that field.
HEAD_WORD_SCORE = 0.75
# An id column whose words name this file's kind of record ("Prospect ID" in a leads file),
# or no kind at all ("ID", "Key"), is the record id.
OWN_ID_SCORE = 0.95
BARE_ID_SCORE = 0.9
# An id column naming another kind of record ("customer_id" in a deals file) is that
# record's id, never this file's, however alike the names.
OTHER_ID_CAP = 0.3
# A name that fits but is vague ("Email" as a lead's id, "Date" as a campaign's start).
WEAK_NAME_WEIGHT = 0.7

# Everyday names a CRM uses for a field, beyond the profiles' header names.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "record_id": ("id", "record id", "key", "external id", "uuid", "guid"),
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
        "sign up date",
        "registration date",
        # the first contact of a lead with us is when it came in: Olist's MQL list
        "first contact date",
        "first contact",
        # a deal's start when the export has no created date (Maven's sales pipeline)
        "engage date",
        "engaged on",
    ),
    "rep": (
        "owner",
        "rep",
        "sales rep",
        "assigned to",
        "assigned",
        "salesperson",
        "sales person",
        "sdr",
        "sdr id",
        "bdr",
        "bdr id",
        "sales agent",
        "agent",
        "account manager",
        "owner name",
        "owner id",
        "rep id",
    ),
    "channel": (
        "source",
        "lead source",
        "channel",
        "medium",
        "utm medium",
        "origin",
        "source channel",
        "marketing channel",
    ),
    "campaign": ("campaign", "utm campaign", "campaign name", "campaign id"),
    "amount": (
        "amount",
        "value",
        "deal value",
        "deal size",
        "deal amount",
        "opportunity value",
        "opportunity amount",
        "close value",
        "price",
    ),
    "won_amount": ("won amount", "booked amount", "bookings"),
    "close_date": (
        "close date",
        "closed on",
        "closing date",
        "date closed",
        "closed date",
        "actual close date",
    ),
    "company": ("company", "account", "organization", "organisation", "account name"),
    "industry": ("industry", "vertical", "sector"),
    "segment": ("segment", "tier", "company size"),
    "region": (
        "region",
        "territory",
        "country",
        "geo",
        "regional office",
        "office location",
    ),
    "stage": ("stage", "deal stage", "pipeline stage", "stage name", "opportunity stage"),
    "status": ("status",),
    "is_won": ("won", "is won", "closed won"),
    "is_closed": ("closed", "is closed"),
    "name": ("name", "full name"),
    "team": ("team", "department", "role", "sales team", "team name"),
    "budget": ("budget", "planned cost", "budgeted cost"),
    "actual_cost": ("actual cost", "spend", "cost", "actual spend", "acquisition cost"),
    "start_date": ("start date", "starts on", "launch date"),
    "end_date": ("end date", "ends on"),
    "mql_at": ("mql date", "marketing qualified date"),
    "sal_at": ("sal date", "sales accepted date"),
    "sql_at": ("sql date", "sales qualified date"),
    "opp_at": ("opportunity date", "became an opportunity date"),
    "won_at": (
        "won date",
        "date won",
        "won on",
        "won time",
        "customer date",
        "became a customer date",
    ),
    "lost_at": ("lost date", "date lost", "lost on"),
    "first_touch_at": (
        "first touch",
        "first touch date",
        "first call date",
        "first response date",
        "first contacted",
    ),
    "disqualified_reason": ("disqualified reason", "disqualification reason"),
    "associated_lead_ids": (
        "lead id",
        "contact id",
        "journey id",
        "mql id",
        "associated contact ids",
        "associated contact",
        "associated contacts",
    ),
}
# Names that mean a field only in one kind of file ("Title" is a deal's name, a user's role;
# a teams list calls its reps "sales_agent" and their team "manager").
TARGET_EXTRA_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("opportunities", "name"): (
        "title",
        "deal title",
        "opportunity",
        "deal",
        "deal name",
        "opportunity name",
    ),
    ("campaigns", "channel"): ("type", "kind", "campaign type"),
    ("reps", "team"): ("title", "job title", "manager", "sales manager", "team lead"),
    ("reps", "record_id"): ("user id", "owner id", "employee id", "email", "rep id", "agent id"),
    ("reps", "name"): (
        "sales agent",
        "agent",
        "rep",
        "rep name",
        "sales rep",
        "salesperson",
        "user",
        "user name",
        "owner",
        "owner name",
        "employee name",
    ),
    ("reps", "region"): ("regional office", "office"),
}
# Names that fit a field but say little: a lead list keyed by e-mail, a campaign's "Date".
TARGET_WEAK_NAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("leads", "record_id"): ("email", "email address", "e-mail"),
    ("campaigns", "start_date"): ("date",),
}
# Names that fit a field in any file but say less than its usual names: utm_source is the
# platform (google, facebook), utm_medium the channel (cpc, email, social).
WEAK_NAMES: dict[str, tuple[str, ...]] = {"channel": ("utm source",)}
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
    "leads": frozenset({"lead", "leads", "contact", "mql", "sql", "lifecycle", "prospect", "utm"}),
    "opportunities": frozenset(
        {
            "deal",
            "deals",
            "opportunity",
            "opp",
            "stage",
            "pipeline",
            "close",
            "won",
            "probability",
            "dealname",
            "dealstage",
        }
    ),
    "campaigns": frozenset(
        {"budget", "budgeted", "cost", "spend", "start", "end", "launch", "impressions", "clicks"}
    ),
    "reps": frozenset(
        {"user", "username", "team", "department", "title", "manager", "quota", "regional", "hire"}
    ),
}
# Words of a file's name that say what it holds ("sales_teams.csv", "closed_deals").
FILE_HINTS: dict[str, frozenset[str]] = {
    "leads": frozenset(
        {
            "lead",
            "leads",
            "contact",
            "contacts",
            "mql",
            "mqls",
            "prospect",
            "prospects",
            "qualified",
        }
    ),
    "opportunities": frozenset(
        {"deal", "deals", "opportunity", "opportunities", "opps", "pipeline", "won", "closed"}
    ),
    "campaigns": frozenset({"campaign", "campaigns"}),
    "reps": frozenset(
        {
            "rep",
            "reps",
            "user",
            "users",
            "team",
            "teams",
            "agent",
            "agents",
            "staff",
            "owners",
            "salespeople",
        }
    ),
}
# The words of an id column ("Lead No", "Deal ID", "User Id") name what a row is; accounts
# and customers are no kind the product imports, so their ids are never a record's own.
ID_HINTS: dict[str, frozenset[str]] = {
    "leads": frozenset({"lead", "contact", "journey", "prospect", "person", "mql"}),
    "opportunities": frozenset({"deal", "opportunity", "opp", "oppty"}),
    "campaigns": frozenset({"campaign"}),
    "reps": frozenset({"user", "rep", "owner", "employee", "agent", "sdr", "bdr", "salesperson"}),
    "accounts": frozenset(
        {
            "account",
            "customer",
            "company",
            "organization",
            "organisation",
            "org",
            "seller",
            "client",
        }
    ),
}
ID_WORDS = frozenset({"id", "key", "uuid", "guid"})
# Fields every target has: a match on them says little about which target a file is.
GENERIC_FIELDS = frozenset({"record_id", "name", "channel", "region", "created_at"})
# Fields whose values are ids of records (or lists of them).
ID_VALUED = frozenset(ID_FIELDS) | frozenset(LIST_FIELDS)
# Fields holding money: amounts of deals, costs of campaigns.
MONEY_FIELDS = frozenset(AMOUNT_FIELDS)
DATE_LIKE_FIELDS = frozenset(DATETIME_FIELDS) | frozenset(DATE_FIELDS)

# The head word of a header that names a field (the last word that is not a generic one).
FIELD_HEADS: dict[str, frozenset[str]] = {
    "created_at": frozenset(
        {"created", "opened", "added", "signup", "registered", "submitted", "engage", "engaged"}
    ),
    "close_date": frozenset({"close", "closed", "closing"}),
    "won_at": frozenset({"won"}),
    "lost_at": frozenset({"lost"}),
    "rep": frozenset(
        {"owner", "agent", "sdr", "bdr", "rep", "salesperson", "assignee", "assigned", "advisor"}
    ),
    "channel": frozenset({"source", "channel", "medium", "origin"}),
    "campaign": frozenset({"campaign"}),
    "company": frozenset({"company", "account", "organization", "organisation", "employer"}),
    "industry": frozenset({"industry", "sector", "vertical"}),
    "segment": frozenset({"segment", "tier"}),
    "region": frozenset(
        {"region", "territory", "country", "geo", "office", "location", "area", "regional"}
    ),
    "stage": frozenset({"stage"}),
    "team": frozenset({"team", "department", "squad"}),
    "amount": frozenset({"amount", "value", "price"}),
    "won_amount": frozenset({"bookings"}),
    "budget": frozenset({"budget"}),
    "actual_cost": frozenset({"cost", "spend", "spent"}),
    "start_date": frozenset({"start", "starts", "launch", "launched"}),
    "end_date": frozenset({"end", "ends"}),
}
TARGET_FIELD_HEADS: dict[tuple[str, str], frozenset[str]] = {
    ("opportunities", "name"): frozenset({"title", "deal", "opportunity"}),
    ("campaigns", "channel"): frozenset({"type"}),
    ("reps", "name"): frozenset({"agent", "rep", "salesperson", "member", "user"}),
    ("reps", "team"): frozenset({"manager"}),
}
# Trailing words that qualify rather than name ("Owner Name", "Created Date", "Region ID").
_GENERIC_TAIL = frozenset(
    {
        "date",
        "time",
        "at",
        "on",
        "name",
        "id",
        "ids",
        "dt",
        "text",
        "timestamp",
        "datetime",
        "to",
        "of",
        "by",
        "for",
        "the",
        "used",
        "c",
    }
)
# Words of a numeric measure: never an id, and no amount unless named one.
_MEASURE_WORDS = frozenset(
    {
        "revenue",
        "revenues",
        "turnover",
        "employees",
        "headcount",
        "count",
        "size",
        "year",
        "years",
        "established",
        "founded",
        "probability",
        "prob",
        "pct",
        "percent",
        "percentage",
        "score",
        "rate",
        "ratio",
        "roi",
        "visits",
        "views",
        "clicks",
        "impressions",
        "conversions",
        "total",
        "average",
        "avg",
        "quota",
        "stock",
        "catalog",
        "age",
        "duration",
        "index",
        "qty",
        "quantity",
        "salary",
        "monthly",
        "annual",
        "spent",
        "minutes",
        "seconds",
        "days",
        "weeks",
        "months",
    }
)
# An amount by name: a deal's size, not a company's revenue.
_AMOUNT_WORDS = frozenset({"amount", "value", "price", "arr", "acv", "tcv", "bookings"})
_COST_WORDS = frozenset({"cost", "spend", "budget", "spent", "budgeted"})
# Dates that are no record's creation: a fallback created date never comes from these.
_NOT_CREATED_WORDS = frozenset(
    {
        "modified",
        "updated",
        "last",
        "next",
        "due",
        "birth",
        "birthday",
        "hire",
        "hired",
        "expected",
        "close",
        "closed",
        "lost",
        "end",
        "ends",
        "expiry",
        "expires",
        "renewal",
    }
)
# A first sales follow-up: a call, a touch, a response — not a lead's own first contact.
_FIRST_TOUCH_WORDS = frozenset(
    {
        "touch",
        "touched",
        "call",
        "called",
        "response",
        "responded",
        "engagement",
        "outreach",
        "activity",
        "reply",
        "replied",
        "contacted",
        "meeting",
    }
)
_TIME_WORDS = frozenset({"date", "time", "at", "on", "datetime", "timestamp"})
# Glued words whose ending is a word of its own ("LEADID", "dealname", "leadsource").
_GLUED_ENDINGS = (
    "id",
    "name",
    "stage",
    "source",
    "owner",
    "date",
    "time",
    "value",
    "amount",
    "status",
)
_GLUED_ID_PREFIXES = frozenset().union(*ID_HINTS.values()) | {"record", "product", "member"}

# Currency symbols or codes, or digits grouped in thousands: money as a person writes it.
_MONEY = re.compile(
    r"[$€£¥₹]|^[A-Z]{3}\s?-?\d|\d\s?[A-Z]{3}$|^\(?-?\d{1,3}(?:[,.' ]\d{3})+(?:[.,]\d{1,2})?\)?$"
)
_DECIMAL = re.compile(r"^-?\d+[.,]\d+$")
# Dates written with numbers and separators: 3/5/2024, 26-02-2018 19:58, 20-10-16, 5.3.2024.
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{2,4})"
    r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
    r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$"
)
_ISO_PREFIX = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:$|[ T])")
_MONTH_NAME_DATE = re.compile(
    r"^(?=.*\b(?:19|20)\d{2}\b)(?=.*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|"
    r"dec)[a-z]*\.?(?:\b|\d)).{6,40}$",
    re.IGNORECASE,
)

FIELD_LABELS = {
    "record_id": "record id",
    "entry_stage": "entry stage",
    "created_at": "created date",
    "campaign": "campaign",
    "rep": "rep (owner)",
    "channel": "channel",
    "segment": "segment",
    "region": "region",
    "company": "company",
    "industry": "industry",
    "mql_at": "MQL date",
    "sal_at": "SAL date",
    "sql_at": "SQL date",
    "opp_at": "opportunity date",
    "won_at": "won date",
    "lost_at": "lost date",
    "first_touch_at": "first sales touch",
    "amount": "amount",
    "won_amount": "won amount",
    "disqualified_reason": "disqualified reason",
    "associated_lead_ids": "linked lead ids",
    "name": "name",
    "stage": "stage",
    "close_date": "close date",
    "is_closed": "closed flag",
    "is_won": "won flag",
    "team": "team",
    "start_date": "start date",
    "end_date": "end date",
    "budget": "budget",
    "actual_cost": "actual cost",
}


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


# --- the suggestion -------------------------------------------------------------------------


@dataclass
class Suggestion:
    """A suggested mapping in the shape of SPEC §5.1, with a reason per field for the user.

    ``columns`` may name one header for two fields (an MQL list's created date is also its MQL
    date; a won deal's won date is its created and close date); ``dates`` gives the part order
    of the columns whose values prove or strongly suggest one.
    """

    target: str
    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    mode: str = "upsert"
    reasons: dict[str, str] = field(default_factory=dict)

    def to_mapping(self, source: str) -> dict[str, object]:
        """The mapping JSON of SPEC §5.1 for records keyed ``<source>:<id>``; empty parts are
        left out."""
        out: dict[str, object] = {"kind": self.target, "source": source, "mode": self.mode}
        for key in ("columns", "constants", "values", "dates"):
            part = getattr(self, key)
            if part:
                out[key] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in part.items()}
        return out


# --- channel values -------------------------------------------------------------------------

# The channel names the product knows (SPEC §3); the list is open, these are the usual ones.
KNOWN_CHANNELS: tuple[str, ...] = (
    "Email",
    "Webinar",
    "Paid Search",
    "Trade Show",
    "Content",
    "Social",
    "Referral",
    "Partner",
    "Outbound",
    "Other",
)
# Channel values that mean "not known": they are stored blank, not as a channel of their own.
BLANK_CHANNEL_VALUES = frozenset(
    {
        "unknown",
        "(unknown)",
        "none",
        "(none)",
        "n/a",
        "na",
        "n.a.",
        "-",
        "--",
        "?",
        "null",
        "nil",
        "(not set)",
        "not set",
        "undefined",
        "(blank)",
        "blank",
        "unspecified",
        "not specified",
        "select",
    }
)
# Values the import's own synonyms leave as written, and the name a person would use.
_MORE_CHANNELS: dict[str, str] = {
    "search ads": "Paid Search",
    "paid search ads": "Paid Search",
    "cpc": "Paid Search",
    "google adwords": "Paid Search",
    "bing ads": "Paid Search",
    "email campaign": "Email",
    "email campaigns": "Email",
    "mailing": "Email",
    "e mail": "Email",
    "email blast": "Email",
    "paid content syndication": "Content",
    "content marketing": "Content",
    "social network": "Social",
    "social networks": "Social",
    "facebook": "Social",
    "instagram": "Social",
    "twitter": "Social",
    "paid social media": "Social",
    "cold outreach": "Outbound",
    "cold calling": "Outbound",
    "cold email": "Outbound",
    "outbound prospecting": "Outbound",
    "other publicities": "Other",
    "other sources": "Other",
    "trade shows": "Trade Show",
    "tradeshows": "Trade Show",
    # kept as channels of their own: readable names, since the channel list is open
    "organic search": "Organic Search",
    "organic": "Organic Search",
    "seo": "Organic Search",
    "direct traffic": "Direct",
    "direct": "Direct",
    "display": "Display",
    "display ads": "Display",
    "banner": "Display",
    "sms": "SMS",
    "tv": "TV",
}


def _channel_name(raw: str) -> str | None:
    """The channel a raw value means: a known name, a readable form, or None for unknown."""
    text = raw.strip()
    key = " ".join(text.casefold().split())
    spaced = " ".join(re.sub(r"[_\-./]+", " ", key).split())
    if key in BLANK_CHANNEL_VALUES or spaced in BLANK_CHANNEL_VALUES:
        return None
    for k in (key, spaced):
        if k in CHANNEL_SYNONYMS:
            return CHANNEL_SYNONYMS[k]
        if k in _MORE_CHANNELS:
            return _MORE_CHANNELS[k]
    if spaced.startswith("partner"):
        return "Partner"
    if "referral" in spaced:
        return "Referral"
    if spaced != key or text == text.casefold():
        # paid_search-style codes and all-lowercase values read as words
        return " ".join(w.upper() if len(w) <= 2 else w.capitalize() for w in spaced.split())
    return text


def channel_value_map(values: Iterable[str]) -> dict[str, str | None]:
    """A value map for a channel column: raw value -> channel name (None: unknown, stored
    blank), for the values the import's own channel names would not read that way.

    Decisions, so that reports group what a person would group:
    - codes are read as words: ``paid_search`` -> Paid Search, ``email`` -> Email, ``social``
      -> Social, ``referral`` -> Referral (and any ``*referral*`` value), ``partner*`` ->
      Partner, ``other_publicities`` -> Other, ``Email Campaign`` -> Email, ``Search Ads`` ->
      Paid Search, ``Cold Outreach`` -> Outbound, ``paid-content-syndication`` -> Content;
    - organic search, direct traffic and display advertising are no paid search, referral or
      content: they stay channels of their own with readable names, ``Organic Search``,
      ``Direct`` and ``Display`` (the channel list is open, SPEC §3);
    - "unknown", "(none)", "n/a", "-", "(not set)", "undefined", "select" and the like mean no
      channel: None, so they are stored blank instead of as a channel called "unknown";
    - anything else already readable ("Olark Chat", "Trade Show", "Event") is kept as written
      and left out of the map.
    """
    uniques: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            continue
        text = str(v)
        if text.strip() and text not in uniques:
            uniques.append(text)
    if not uniques:
        return {}
    as_imported = normalize_channel(pd.Series(uniques, dtype=object)).tolist()
    out: dict[str, str | None] = {}
    for raw, imported in zip(uniques, as_imported, strict=True):
        meant = _channel_name(raw)
        if meant != imported:
            out[raw] = meant
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
    for (for_target, fname), extra in TARGET_WEAK_NAMES.items():
        if for_target == target:
            names[fname].extend((c, WEAK_NAME_WEIGHT) for c in extra)
    for fname, extra in WEAK_NAMES.items():
        if fname in names:
            names[fname].extend((c, WEAK_NAME_WEIGHT) for c in extra)
    return names


@lru_cache(maxsize=8)
def _profile_names(target: str) -> dict[str, frozenset[str]]:
    """Per field: the exact header names this target's own profiles use (always trusted)."""
    out: dict[str, set[str]] = {}
    for p in PROFILES:
        if p.target == target:
            for fname, candidates in p.fields.items():
                out.setdefault(fname, set()).update(_compact(c) for c in candidates)
    return {f: frozenset(v) for f, v in out.items()}


def _parts(name: str) -> list[str]:
    """A header's words for the rules below: synonyms applied, glued words split
    ("LEADID" -> lead id, "dealname" -> deal name)."""
    out: list[str] = []
    for w in header_words(name):
        split = False
        for end in _GLUED_ENDINGS:
            head = w[: -len(end)]
            if w.endswith(end) and len(head) >= 3 and (end != "id" or head in _GLUED_ID_PREFIXES):
                out.extend([WORD_SYNONYMS.get(head, head), WORD_SYNONYMS.get(end, end)])
                split = True
                break
        if not split:
            out.append(WORD_SYNONYMS.get(w, w))
    return out


def _head_word(parts: list[str]) -> str | None:
    """The word a compound header is about: its last word that is not a generic tail or a
    number ("Account Owner Territory" -> territory, "Owner Name" -> owner)."""
    for w in reversed(parts):
        if w not in _GENERIC_TAIL and not w.isdigit():
            return w
    return None


def _id_kind(parts: list[str]) -> str | None:
    """Which kind of record an id column's words name ('leads', 'accounts' …), or None for a
    bare id ("ID", "Record ID", "Key"); 'other' for anything else ("landing_page_id")."""
    rest = [w for w in parts if w not in ID_WORDS and w not in {"record", "external", "unique"}]
    if not rest:
        return None
    # the last kind word counts: "Deal Owner ID" is an owner's id, not a deal's
    for w in reversed(rest):
        for kind, hints in ID_HINTS.items():
            if w in hints or w.rstrip("s") in hints:
                return kind
    return "other"


def _first_touch_name(parts: list[str]) -> bool:
    """A first sales follow-up by its name: first call, touch, response or engagement — not
    a lead's own "first contact date", which is when it came in."""
    words = set(parts)
    return (
        "first" in words
        and bool(_FIRST_TOUCH_WORDS & words)
        and bool(_TIME_WORDS & words or {"touch", "call", "response"} & words)
        and "created" not in words
    )


# --- values -------------------------------------------------------------------------------


class _Sniff:
    """What one column's sample values look like: shares of dates, numbers and booleans, and
    whether they are distinct, written as money, or dates with a provable part order."""

    def __init__(self, values: pd.Series) -> None:
        text = values.astype(object).map(lambda v: "" if pd.isna(v) else str(v).strip())
        present = text[text != ""]
        # plain loops: a sample is at most SAMPLE_ROWS short strings
        self.values: list[str] = present.tolist()
        self.blank = present.empty
        self.distinct = not self.blank and present.is_unique and len(present) == len(text)
        self.money = any(_MONEY.search(v) for v in self.values)
        self.order: str | None = None
        if self.blank:
            self.dates = self.numbers = self.booleans = self.decimals = 0.0
            self.numeric_dates = 0.0
            return
        n = len(self.values)
        # pure digits are ids or counts far more often than epoch timestamps
        parsed = (~parse_datetimes(present).invalid).tolist()
        numeric = [bool(_NUMERIC_DATE.match(v)) and not _ISO_PREFIX.match(v) for v in self.values]
        dated = [
            not v.isdigit()
            and (p or d or bool(_ISO_PREFIX.match(v)) or bool(_MONTH_NAME_DATE.match(v)))
            for v, p, d in zip(self.values, parsed, numeric, strict=True)
        ]
        self.dates = sum(dated) / n
        self.numeric_dates = sum(numeric) / n
        self.numbers = float((~parse_amounts(present).invalid).sum()) / n
        self.booleans = float((~parse_booleans(present).invalid).sum()) / n
        self.decimals = sum(1 for v in self.values if _DECIMAL.match(v)) / n
        if self.numeric_dates >= MOSTLY:
            self.order = _date_order([v for v, d in zip(self.values, numeric, strict=True) if d])


def _date_order(values: list[str]) -> str | None:
    """The part order numeric dates prove: a first part over 12 is a day (D-M-Y), a second
    part over 12 a day (M-D-Y), a four-digit first part a year (Y-M-D); None when the values
    leave it open or contradict each other."""
    day_first = month_first = year_first = 0
    for v in values:
        m = _NUMERIC_DATE.match(v)
        if not m:
            continue
        a, b = m.group(1), m.group(3)
        if len(a) == 4:
            year_first += 1
            continue
        if int(a) > 12 and int(b) <= 12:
            day_first += 1
        elif int(b) > 12 and int(a) <= 12:
            month_first += 1
    if year_first and not (day_first or month_first):
        return "Y-M-D"
    if day_first and not month_first:
        return "D-M-Y"
    if month_first and not day_first:
        return "M-D-Y"
    return None


@dataclass
class _Column:
    """One header with what its name and values say."""

    header: str
    position: int
    parts: list[str]
    head: str | None
    id_named: bool
    kind: str | None
    measure: bool
    sniff: _Sniff


def _columns(headers: list[str], sample: pd.DataFrame) -> list[_Column]:
    out = []
    for i, h in enumerate(headers):
        values = sample.iloc[:, i] if i < sample.shape[1] else pd.Series([], dtype=object)
        parts = _parts(h)
        id_named = bool(ID_WORDS & set(parts))
        out.append(
            _Column(
                header=h,
                position=i,
                parts=parts,
                head=_head_word(parts),
                id_named=id_named,
                kind=_id_kind(parts) if id_named else None,
                measure=bool(_MEASURE_WORDS & set(parts)),
                sniff=_Sniff(values.head(SAMPLE_ROWS)),
            )
        )
    return out


def _fit(fname: str, col: _Column) -> float:
    """How well a column's values suit a field, 0 (not at all) to 1."""
    sniff = col.sniff
    if sniff.blank:
        return 0.9
    if fname in DATE_LIKE_FIELDS:
        return 0.0 if sniff.dates == 0 else 0.6 + 0.4 * sniff.dates
    if fname in MONEY_FIELDS:
        if sniff.numbers == 0 or sniff.dates >= MOSTLY:
            return 0.0
        # a column of 0/1 flags is numeric too, but is hardly money
        return 0.5 if sniff.booleans >= MOSTLY and not sniff.money else 0.6 + 0.4 * sniff.numbers
    if fname in BOOL_FIELDS:
        return 0.0 if sniff.booleans == 0 else 0.6 + 0.4 * sniff.booleans
    if fname in ID_VALUED and sniff.decimals >= MOSTLY:
        return 0.0  # 1100.04 is a measure, not an id
    return 0.3 if sniff.dates >= MOSTLY else 1.0


def _allowed(fname: str, col: _Column, target: str) -> bool:
    """Whether a field may come from a column at all, whatever the names say."""
    if _compact(col.header) in _profile_names(target).get(fname, frozenset()):
        return True  # a name this kind of export really uses for the field
    words = set(col.parts)
    if fname in ID_VALUED and col.measure and not col.id_named:
        return False
    if fname in ("amount", "won_amount"):
        if _MEASURE_WORDS & words - {"total"}:
            return False
        return bool(_AMOUNT_WORDS & words or {"deal", "size"} <= words or col.sniff.money)
    if fname in ("budget", "actual_cost"):
        if _MEASURE_WORDS & words - {"spent", "total"}:
            return False
        return bool(_COST_WORDS & words or col.sniff.money)
    if fname == "first_touch_at":
        return _first_touch_name(col.parts)
    if fname == "rep" and words & {"territory", "region", "team", "email", "phone"}:
        return False
    return True


def _head_score(fname: str, col: _Column, target: str) -> float:
    if col.head is None:
        return 0.0
    if col.id_named and fname in {"name", "company", "amount", "team"} | DATE_LIKE_FIELDS:
        return 0.0  # "deal_id" is no deal name, "customer_id" no company
    heads = FIELD_HEADS.get(fname, frozenset()) | TARGET_FIELD_HEADS.get(
        (target, fname), frozenset()
    )
    return HEAD_WORD_SCORE if col.head in heads else 0.0


def _id_score(fname: str, col: _Column, target: str) -> float | None:
    """The score an id column's words give an id field; None when the rule says nothing."""
    if not col.id_named:
        return None
    if fname == "record_id":
        if col.kind is None:
            return BARE_ID_SCORE
        return OWN_ID_SCORE if col.kind == target else None
    if fname == "associated_lead_ids" and col.kind == "leads":
        return OWN_ID_SCORE
    if fname == "rep" and col.kind == "reps":
        return OWN_ID_SCORE
    if fname == "campaign" and col.kind == "campaigns":
        return OWN_ID_SCORE
    return None


def _name_score(
    col: _Column, fname: str, names: list[tuple[str, float]], target: str
) -> tuple[float, str]:
    """How much a column's name says it is the field, and which rule said so."""
    h = col.header
    if fname in ("mql_at", "sal_at", "sql_at") and stage_of_column(h) == fname:
        return 1.0, "stage"
    if fname == "first_touch_at" and _first_touch_name(col.parts):
        return 1.0, "touch"
    if fname == "disqualified_reason" and is_disqualified_reason_column(h):
        return 1.0, "name"
    best, how = max(name_similarity(h, n) * w for n, w in names), "name"
    head = _head_score(fname, col, target)
    if head > best:
        best, how = head, "head"
    by_id = _id_score(fname, col, target)
    if by_id is not None and by_id > best:
        best, how = by_id, "id"
    if col.id_named and col.kind is not None:
        own = "leads" if fname == "associated_lead_ids" else target
        if fname in ("record_id", "associated_lead_ids") and col.kind != own:
            best = min(best, OTHER_ID_CAP)
    return best, how


# --- suggestions --------------------------------------------------------------------------


@dataclass
class _Scored:
    """One file scored against one target's fields."""

    columns: list[_Column]
    by_name: dict[tuple[str, str], float]  # (field, header) -> name score
    how: dict[tuple[str, str], str]  # (field, header) -> the rule behind the name score
    overall: dict[tuple[str, str], float]  # name score weighed by the values' fit

    def col(self, header: str) -> _Column:
        return next(c for c in self.columns if c.header == header)


def _score(columns: list[_Column], target: str) -> _Scored:
    names = _known_names(target)
    by_name: dict[tuple[str, str], float] = {}
    how: dict[tuple[str, str], str] = {}
    overall: dict[tuple[str, str], float] = {}
    for fname, known in names.items():
        for col in columns:
            score, rule = _name_score(col, fname, known, target)
            if not _allowed(fname, col, target):
                score = 0.0
            by_name[fname, col.header] = score
            how[fname, col.header] = rule
            overall[fname, col.header] = score * _fit(fname, col)
    return _Scored(columns, by_name, how, overall)


def _primary_date(target: str) -> str | None:
    return {"leads": "created_at", "opportunities": "created_at", "campaigns": "start_date"}.get(
        target
    )


def _amount_field(target: str) -> str | None:
    return {"leads": "amount", "opportunities": "amount", "campaigns": "actual_cost"}.get(target)


class _Draft:
    """Columns chosen so far for one target, with the reason for each."""

    def __init__(self, target: str, scored: _Scored) -> None:
        self.target = target
        self.scored = scored
        self.chosen: dict[str, str | None] = dict.fromkeys(mapping_fields(target))
        self.reasons: dict[str, str] = {}
        self.constants: dict[str, str] = {}

    def used(self) -> set[str]:
        return {h for h in self.chosen.values() if h}

    def assign(self, fname: str, header: str, reason: str) -> None:
        self.chosen[fname] = header
        self.reasons[fname] = reason


def _label(fname: str, target: str) -> str:
    names = {"opportunities": "deal name", "campaigns": "campaign name", "reps": "rep's name"}
    if fname == "name":
        return names.get(target, "name")
    return FIELD_LABELS.get(fname, fname)


def _reason_by_name(fname: str, header: str, rule: str, target: str) -> str:
    label = _label(fname, target)
    if rule == "id":
        return f"'{header}' is an id column naming these records: the {label}."
    if rule == "head":
        return f"The name '{header}' says it holds the {label}."
    if rule == "stage":
        return f"'{header}' is a date named for that stage: the {label}."
    if rule == "touch":
        return f"'{header}' names the first sales call, touch or response."
    return f"'{header}' is a usual name for the {label}."


def _by_names(draft: _Draft) -> None:
    """The best-scoring field/header pairs first; each header once."""
    scored, target = draft.scored, draft.target
    fields = mapping_fields(target)
    required = set(required_fields(target))
    position = {c.header: c.position for c in scored.columns}
    ranked = sorted(
        (
            (score, fname, h)
            for (fname, h), score in scored.overall.items()
            if score >= SUGGEST_THRESHOLD
        ),
        key=lambda t: (-t[0], t[1] not in required, position[t[2]], fields.index(t[1])),
    )
    used: set[str] = set()
    for _, fname, h in ranked:
        if draft.chosen[fname] is None and h not in used:
            draft.assign(fname, h, _reason_by_name(fname, h, scored.how[fname, h], target))
            used.add(h)


def _fill_by_values(draft: _Draft) -> None:
    """Fields still open that the values can settle: the first date column for the created
    date (never a modified, due or close date), dates for date fields whose names come close,
    and money for the amount or cost."""
    scored, target, chosen = draft.scored, draft.target, draft.chosen
    free = [c for c in scored.columns if c.header not in draft.used()]

    def take(fname: str, ok: list[_Column], reason: str) -> None:
        if chosen.get(fname) is None and ok:
            draft.assign(fname, ok[0].header, reason.format(h=ok[0].header))
            free.remove(ok[0])

    primary = _primary_date(target)
    if primary:
        take(
            primary,
            [c for c in free if c.sniff.dates >= MOSTLY and not _NOT_CREATED_WORDS & set(c.parts)],
            "'{h}' is the first column of dates, so most likely when each record began.",
        )
    for fname in mapping_fields(target):
        if fname in DATE_LIKE_FIELDS:
            dated = [
                c
                for c in free
                if c.sniff.dates >= MOSTLY and scored.by_name[fname, c.header] >= 0.55
            ]
            take(
                fname,
                dated,
                f"'{{h}}' holds dates and its name is close to the {_label(fname, target)}.",
            )
    amount = _amount_field(target)
    if amount:
        money = [
            c
            for c in free
            if c.sniff.numbers >= MOSTLY
            and c.sniff.dates < MOSTLY
            and c.sniff.booleans < MOSTLY
            and not c.id_named
            and _allowed(amount, c, target)
        ]
        take(amount, money, "'{h}' holds money amounts.")


def _is_record_key(col: _Column) -> bool:
    """Distinct values that could key records: no dates, measures, money or flags."""
    s = col.sniff
    return (
        s.distinct
        and s.dates < MOSTLY
        and not s.money
        and s.decimals < MOSTLY
        and s.booleans < MOSTLY
        and not col.measure
    )


def _fill_record_id(draft: _Draft) -> None:
    """The record id when no column's name says it: another kind's id the file is keyed by
    (closed deals keyed by their lead's id), the first column of distinct values, or the
    names the records go by (a team list keyed by the reps' names)."""
    scored, chosen = draft.scored, draft.chosen
    if chosen.get("record_id") is not None:
        return
    linked = chosen.get("associated_lead_ids")
    if linked and scored.col(linked).id_named and _is_record_key(scored.col(linked)):
        draft.assign(
            "record_id",
            linked,
            f"The file has no id of its own; each row is keyed by its lead's id '{linked}'.",
        )
        return

    def by_name(fname: str) -> bool:
        h = chosen.get(fname)
        if h and _is_record_key(scored.col(h)):
            draft.assign(
                "record_id",
                h,
                f"No column says id; each row is one '{h}', so its {fname} is its id.",
            )
            return True
        return False

    # a deal, campaign or rep goes by its name before any other distinct column
    if by_name("name"):
        return
    used = draft.used()
    if not any(c.id_named and c.kind in (None, draft.target) for c in scored.columns):
        for col in scored.columns:
            if col.header not in used and not col.id_named and _is_record_key(col):
                draft.assign(
                    "record_id",
                    col.header,
                    f"'{col.header}' is the first column whose values are all distinct.",
                )
                return
    by_name("company")


def _mql_list(draft: _Draft, file_words: set[str]) -> None:
    """A leads file of marketing-qualified leads (an MQL id or an MQL file name) with no MQL
    date of its own: entry stage MQL, and the created date is also the MQL date."""
    if draft.target != "leads" or draft.chosen.get("mql_at") is not None:
        return
    key = draft.chosen.get("record_id")
    key_words = set(draft.scored.col(key).parts) if key else set()
    named = "mql" in key_words or "mql" in file_words or {"marketing", "qualified"} <= file_words
    if not named:
        return
    draft.constants["entry_stage"] = "mql"
    draft.reasons["entry_stage"] = (
        "The records are keyed or named as MQLs: a list of marketing-qualified leads enters "
        "the funnel at MQL."
    )
    created = draft.chosen.get("created_at")
    if created:
        draft.assign(
            "mql_at",
            created,
            f"In a list of MQLs, '{created}' (when each lead came in) is also when it became "
            "an MQL.",
        )


def _won_list(draft: _Draft, file_words: set[str]) -> None:
    """An opportunities file of won deals only (a won date and no stage or status column, or
    a won/closed-deals file name): stage Won, the won date as created and close date."""
    if draft.target != "opportunities" or draft.chosen.get("stage") is not None:
        return
    cols = draft.scored.columns
    won = next((c for c in cols if "won" in c.parts and c.sniff.dates >= MOSTLY), None)
    has_stage = any({"stage", "status", "dealstage"} & set(c.parts) for c in cols)
    by_name = "won" in file_words or {"closed", "deals"} <= file_words
    if not ((won is not None and not has_stage) or by_name):
        return
    draft.constants["stage"] = "Won"
    draft.reasons["stage"] = (
        "Every row is a won deal: the file has a won date and no stage."
        if won is not None and not has_stage
        else "Every row is a won deal: the file's name says so."
    )
    if won is None:
        return
    if draft.chosen.get("created_at") in (None, won.header):
        draft.assign(
            "created_at",
            won.header,
            f"A won-deals list has no other date: '{won.header}' serves as created date.",
        )
    if draft.chosen.get("close_date") is None:
        draft.assign(
            "close_date",
            won.header,
            f"A won deal closes when it is won: '{won.header}' is its close date.",
        )


def _file_words(file_name: str) -> set[str]:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return {w.casefold() for w in header_words(stem)}


def _draft(columns: list[_Column], target: str, file_name: str) -> _Draft:
    draft = _Draft(target, _score(columns, target))
    words = _file_words(file_name)
    _by_names(draft)
    _fill_by_values(draft)
    _fill_record_id(draft)
    _mql_list(draft, words)
    _won_list(draft, words)
    return draft


def _finish(draft: _Draft) -> Suggestion:
    """The suggestion in SPEC §5.1's shape: channel values mapped, date orders stated."""
    columns = {f: h for f, h in draft.chosen.items() if h is not None}
    scored = draft.scored
    values: dict[str, dict[str, str | None]] = {}
    channel = columns.get("channel")
    if channel:
        table = channel_value_map(scored.col(channel).sniff.values)
        if table:
            values["channel"] = table
            draft.reasons["channel"] += " Its values are matched to the product's channels."
    dates: dict[str, str] = {}
    for fname, h in columns.items():
        if fname in DATE_LIKE_FIELDS and h not in dates:
            order = scored.col(h).sniff.order
            if order:
                dates[h] = order
                draft.reasons[fname] += f" Its values are written {order}."
    reasons = {f: r for f, r in draft.reasons.items() if f in columns or f in draft.constants}
    return Suggestion(
        target=draft.target,
        columns=columns,
        constants=dict(draft.constants),
        values=values,
        dates=dates,
        reasons=reasons,
    )


def suggest(
    headers: list[str],
    sample: pd.DataFrame,
    *,
    file_name: str = "",
    target: str | None = None,
) -> Suggestion:
    """The full suggestion for a file: its kind (guessed unless ``target`` is given), the
    column of each field, fixed values, channel value map and date orders, with reasons.

    ``sample`` holds the file's first rows as text, one column per header, in the headers'
    order; ``file_name`` adds what the name says ("sales_teams.csv", "closed_deals").
    """
    headers = [str(h) for h in headers]
    columns = _columns(headers, sample)
    if target is None:
        target = _guess(columns, file_name)
    return _finish(_draft(columns, target, file_name))


def suggest_mapping(headers: list[str], sample: pd.DataFrame, target: str) -> dict[str, str | None]:
    """Canonical field -> the header suggested for it (None when nothing fits), for ``target``.

    ``sample`` holds the file's first rows as text, one column per header, in the headers'
    order. The best-scoring pairs go first and each header feeds one field, except where the
    file says otherwise (an MQL list's created date is also its MQL date).
    """
    s = suggest(headers, sample, target=target)
    return {f: s.columns.get(f) for f in mapping_fields(target)}


def _guess(columns: list[_Column], file_name: str) -> str:
    words = [set(c.parts) for c in columns]
    file_words = _file_words(file_name)
    id_kind = next((c.kind for c in columns if c.id_named and c.kind in MAPPABLE_TARGETS), None)
    best, best_score = MAPPABLE_TARGETS[0], -1.0
    for target in MAPPABLE_TARGETS:
        draft = _draft(columns, target, file_name)
        scored = draft.scored
        score = 0.0
        for fname, h in draft.chosen.items():
            if h is not None:
                weight = 0.3 if fname in GENERIC_FIELDS else 1.0
                named = scored.by_name[fname, h]
                score += weight * (named if named >= SUGGEST_THRESHOLD else 0.25)
        score += 0.5 * sum(1 for w in words if w & TARGET_HINTS[target])
        score += 2.0 if id_kind == target else 0.0
        score += 1.5 if file_words & FILE_HINTS[target] else 0.0
        if draft.constants.get("stage") == "Won":
            score += 3.0  # a won-deals list is deals, whatever ids key it
        if any(draft.chosen[f] is None for f in required_fields(target)):
            score *= 0.5
        if score > best_score:
            best, best_score = target, score
    return best


def guess_target(headers: list[str], sample: pd.DataFrame) -> str:
    """What the file most likely holds: 'leads', 'opportunities', 'campaigns' or 'reps'.

    Each target scores the fields its suggestion fills (by name; a field filled from the
    values alone counts little), the headers with words typical of it, the words of the
    file's id column, and a won-deals list counts for deals; a target whose required fields
    stay open scores half.
    """
    headers = [str(h) for h in headers]
    return _guess(_columns(headers, sample), "")


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


# What a person checks before an import: the record key, when it came in, the stage dates the
# funnel will count, and who, which channel and which campaign it is counted for.
COUNTED_COLUMNS = {
    "leads": [
        "row",
        "record key",
        "entry stage",
        "created",
        "MQL",
        "SAL",
        "SQL",
        "opportunity",
        "won",
        "lost",
        "rep",
        "channel",
        "campaign",
    ],
    "opportunities": [
        "row",
        "record key",
        "lead",
        "stage",
        "created",
        "won",
        "lost",
        "amount",
        "rep",
        "channel",
        "campaign",
    ],
}
# Left out when blank in every previewed record: a stage or amount the file does not give.
_BLANK_LEFT_OUT = frozenset({"MQL", "SAL", "SQL", "opportunity", "won", "lost", "amount"})
# A lead's stage dates as stored, in funnel order, under the journey names reached_dates reads.
_LEAD_STAGE_DATES = {
    "mql_at": "mql_at",
    "sal_at": "sal_at",
    "sql_at": "sql_at",
    "lead_opp_at": "opp_at",
    "lead_won_at": "won_at",
}


def _column_or_blank(head: pd.DataFrame, name: str) -> pd.Series:
    if name in head:
        return head[name].astype(object).where(head[name].notna(), None)
    return pd.Series([None] * len(head), index=head.index, dtype=object)


def _counted_leads(head: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    stages = pd.DataFrame({"entry_stage": head["entry_stage"], "created_at": head["created_at"]})
    recorded = set()
    for stored, name in _LEAD_STAGE_DATES.items():
        stages[name] = pd.to_datetime(_column_or_blank(head, stored))
        if stored in records and records[stored].notna().any():
            recorded.add(name.removesuffix("_at"))
    reached = reached_dates(stages)
    # A stage the file never dates is not tracked by it (SPEC §3.10): shown blank, not inferred.
    return pd.DataFrame(
        {
            "entry stage": head["entry_stage"],
            "created": head["created_at"],
            **{
                label: reached[f"reach_{stage}_at"]
                if stage in recorded
                else pd.Series(pd.NaT, index=head.index, dtype="datetime64[us]")
                for label, stage in (
                    ("MQL", "mql"),
                    ("SAL", "sal"),
                    ("SQL", "sql"),
                    ("opportunity", "opp"),
                    ("won", "won"),
                )
            },
            "lost": pd.to_datetime(_column_or_blank(head, "lead_lost_at")),
            "rep": _column_or_blank(head, "rep_id"),
            "channel": _column_or_blank(head, "channel"),
            "campaign": _column_or_blank(head, "lead_campaign_id"),
        },
        index=head.index,
    )


def _counted_opportunities(head: pd.DataFrame) -> pd.DataFrame:
    won = head["is_won"].astype(bool)
    lost = head["is_closed"].astype(bool) & ~won
    return pd.DataFrame(
        {
            "lead": _column_or_blank(head, "associated_lead_ids"),
            "stage": _column_or_blank(head, "stage"),
            "created": head["created_at"],
            "won": head["close_date"].where(won),
            "lost": head["close_date"].where(lost),
            "amount": head["amount"],
            "rep": _column_or_blank(head, "rep_id"),
            "channel": _column_or_blank(head, "channel"),
            "campaign": _column_or_blank(head, "campaign_id"),
        },
        index=head.index,
    )


def counted_preview(
    records: pd.DataFrame, target: str, *, update_fields: set[str] | None = None, rows: int = 20
) -> pd.DataFrame:
    """The first mapped records as the funnel will count them (SPEC §3.1-3.3), for a person
    to check a mapping before anything is written.

    Leads: record key, entry stage, created date, the date each stage counts as reached (its
    own date, else the earliest later one; none before the entry stage, none for a stage no
    record of the file dates), lost date, rep, channel, campaign. Opportunities: record key,
    linked lead, stage, created date (its opportunity date), won or lost date (the close date
    of a won or lost deal), amount, rep, channel, campaign. Stage dates and amounts blank in
    every previewed record are left out. Other kinds, and an update (``update_fields``: the
    mapped fields, of which only the stored columns they feed change), as ``preview_records``
    shows them.
    """
    head = records.head(rows)
    key = "opp_key" if target == "opportunities" else "journey_id"
    if update_fields is not None and target in UPDATE_FIELD_COLUMNS:
        changed = updated_columns(target, update_fields)
        kept = [c for c in head.columns if c in changed or c in (key, "row_number")]
        return preview_records(head[kept], rows)
    if target not in COUNTED_COLUMNS or key not in head:
        return preview_records(head, rows)
    body = _counted_leads(head, records) if target == "leads" else _counted_opportunities(head)
    body.insert(0, "record key", head[key])
    body.insert(0, "row", head["row_number"].astype("int64"))
    shown = [
        c for c in COUNTED_COLUMNS[target] if c not in _BLANK_LEFT_OUT or body[c].notna().any()
    ]
    return body[shown].reset_index(drop=True)


def unknown_update_rows(engine: Engine, target: str, records: pd.DataFrame) -> list[Rejection]:
    """The rows an update (SPEC §5.1 mode "update") would reject because no record with their
    key was ever imported, found without writing anything."""
    table_name = {"leads": "journeys", "members": "campaign_members"}.get(target, target)
    key = schema.RAW_TABLES[table_name]
    if records.empty:
        return []
    try:
        with engine.connect() as conn:
            known = existing_hashes(conn, table_for(table_name), records[key])
    except SQLAlchemyError as exc:
        raise DatabaseError(describe_error(exc)) from exc
    found = set(known[key])
    return [
        Rejection(int(row), f"unknown id {k}: update mode changes only records already imported")
        for k, row in zip(records[key], records["row_number"], strict=True)
        if k not in found
    ]


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

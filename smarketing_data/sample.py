"""Seeded sample CRM data: a believable B2B business, exported as Salesforce and HubSpot files."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from smarketing_data.ids import SFDC_QUEUE_PREFIX

# --------------------------------------------------------------------------- business shape

QUARTERS_SHOWN = 8  # the QBR compares two years of quarters
# Conversion goals agreed by Sales and Marketing: Lead→MQL, MQL→SAL, SAL→SQL, SQL→Opp, Opp→Won
STAGE_GOALS = (0.25, 0.60, 0.60, 0.55, 0.25)
MAX_STAGE_RATE = 0.95  # stacked multipliers must never make a stage a certainty
CAMPAIGN_SHARE = 0.90  # about 10% of leads arrive with no campaign at all


class ChannelSpec(NamedTuple):
    name: str
    lead_share: float  # relative pull on any day the channel has a live campaign
    campaigns: int  # campaigns run over the eight quarters
    run_days: int  # how long one campaign collects leads
    budget: float  # typical budget of one campaign, in dollars
    lift: tuple[float, float, float, float, float]  # multiplier on each stage's goal
    hubspot_source: str  # HubSpot "Original Source" the channel lands in
    hubspot_drill: str  # HubSpot "Original Source Drill-Down 1"
    member_status: str  # CampaignMember status of a responder
    topics: tuple[str, ...]


CHANNEL_SPECS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        "Email",
        0.25,
        6,
        45,
        4_000,
        (0.9, 1.0, 1.0, 1.0, 0.95),
        "Email Marketing",
        "Marketing emails",
        "Opened",
        (
            "Spring Nurture",
            "Product Update",
            "Customer Stories Digest",
            "Renewal Season",
            "Year-End Offer",
            "Feature Spotlight",
            "Onboarding Tips",
            "Re-engagement",
        ),
    ),
    ChannelSpec(
        "Webinar",
        0.25,
        6,
        40,
        9_000,
        (1.25, 1.05, 1.0, 1.0, 1.0),
        "Other Campaigns",
        "Webinar",
        "Attended",
        (
            "Pipeline Forecasting",
            "Attribution Without Tears",
            "RevOps Playbook",
            "Data-Driven QBRs",
            "Scaling Inbound",
            "Board-Ready Metrics",
            "Lead Scoring 101",
        ),
    ),
    ChannelSpec(
        "Paid Search",
        0.20,
        3,
        300,
        60_000,
        (0.9, 0.95, 1.0, 1.0, 0.95),
        "Paid Search",
        "Google Ads",
        "Responded",
        ("Brand Terms", "Competitor Terms", "Category Terms", "Analytics Keywords"),
    ),
    ChannelSpec(
        "Trade Show",
        0.40,
        4,
        21,
        35_000,
        (1.1, 1.0, 0.95, 1.05, 1.0),
        "Offline Sources",
        "Event",
        "Visited Booth",
        ("SaaStr Annual", "RevOps Summit", "Web Summit", "B2B Marketing Expo", "CMO Symposium"),
    ),
    ChannelSpec(
        "Content",
        0.15,
        5,
        200,
        6_000,
        (0.8, 0.9, 1.0, 0.95, 0.95),
        "Organic Search",
        "Ebook",
        "Downloaded",
        (
            "State of Pipeline Report",
            "Forecasting Ebook",
            "Benchmark Guide",
            "ROI Calculator",
            "Buyer's Guide",
            "Template Pack",
        ),
    ),
    ChannelSpec(
        "Social",
        0.08,
        3,
        300,
        20_000,
        (0.7, 0.85, 0.9, 0.95, 0.9),
        "Social Media",
        "LinkedIn",
        "Clicked",
        ("LinkedIn Thought Leadership", "LinkedIn Lead Gen Forms", "Video Series"),
    ),
    ChannelSpec(
        "Referral",
        0.04,
        2,
        400,
        10_000,
        (1.35, 1.1, 1.1, 1.1, 1.25),
        "Referrals",
        "Customer referral",
        "Referred",
        ("Customer Referral Program", "Advocate Rewards", "Referral Bonus"),
    ),
    ChannelSpec(
        "Partner",
        0.06,
        3,
        300,
        15_000,
        (1.2, 1.05, 1.05, 1.05, 1.1),
        "Other Campaigns",
        "Partner",
        "Registered",
        ("Agency Partner Program", "Marketplace Listing", "Co-Marketing with Integrators"),
    ),
    ChannelSpec(
        "Outbound",
        0.10,
        5,
        75,
        5_000,
        (0.75, 1.0, 1.0, 1.0, 1.0),
        "Offline Sources",
        "CRM_UI",
        "Replied",
        (
            "Dormant Accounts",
            "Competitive Displacement",
            "New Funding Signals",
            "Hiring Signals",
            "Tier 1 Accounts",
            "Event Follow-Up",
        ),
    ),
    ChannelSpec(
        "Other",
        0.03,
        2,
        120,
        3_000,
        (1.0, 1.0, 1.0, 1.0, 1.0),
        "Direct Traffic",
        "",
        "Responded",
        ("Community Meetup", "Direct Mail", "Sponsored Newsletter"),
    ),
)
CHANNELS = tuple(spec.name for spec in CHANNEL_SPECS)
CHANNEL_LIFT = np.array([spec.lift for spec in CHANNEL_SPECS])
# Always-on channels whose current campaign is still running (no end date, no final cost yet)
RUNNING_CHANNELS = ("Paid Search", "Social", "Referral", "Partner")
# Where campaign-less leads come from: organic content, word of mouth, direct, sales prospecting
NO_CAMPAIGN_MIX = {"Content": 0.35, "Referral": 0.15, "Other": 0.35, "Outbound": 0.15}
# Opportunities created by sales with no lead behind them
SALES_SOURCED_MIX = {"Outbound": 0.5, "Partner": 0.25, "Referral": 0.15, "Other": 0.10}
ALWAYS_ON_EARLY_START_DAYS = 30  # the first always-on campaigns launched before the window
QUALITY_SIGMA = 0.12  # ordinary campaign-to-campaign spread in Lead→MQL
STAR_CAMPAIGNS, STAR_LIFT = 3, 1.7  # campaigns clearly above the Lead→MQL goal
DUD_CAMPAIGNS, DUD_LIFT = 3, 0.5  # campaigns clearly below it
VOLUME_SIGMA = 0.4  # campaigns of one channel differ in reach
BUDGET_SIGMA, BUDGET_ROUNDING = 0.3, 500.0  # budgets are planned in round numbers
ACTUAL_COST_RANGE = (0.8, 1.1)  # campaigns land somewhat under or over budget
EMPTY_CAMPAIGN = ("Other", "Podcast Sponsorship", 20, 45)  # channel, topic, start offset, days

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
SEGMENT_MIX = np.array([0.55, 0.30, 0.15])
SEGMENT_AMOUNT = np.array([8_000.0, 25_000.0, 90_000.0])  # median deal size
AMOUNT_SIGMA = 0.5  # deal sizes within a segment vary about twofold
SEGMENT_OPP_LIFT = np.array([0.95, 1.0, 1.1])  # big accounts that qualify usually get an opp
SEGMENT_WIN_LIFT = np.array([1.15, 1.0, 0.75])  # but are harder to win
SEGMENT_CYCLE = np.array([0.7, 1.0, 1.8])  # and take longer to close

REGIONS = ("NA", "EMEA", "APAC")
REGION_MIX = np.array([0.55, 0.30, 0.15])
COUNTRIES = (
    ("United States", "United States", "United States", "Canada"),
    ("United Kingdom", "Germany", "France", "Netherlands", "Sweden"),
    ("Australia", "Singapore", "Japan", "India"),
)
INDUSTRIES = (
    "Software",
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Logistics",
    "Education",
    "Media",
    "Energy",
    "Professional Services",
)
COMPANY_PREFIXES = (
    "Blue",
    "North",
    "Iron",
    "Bright",
    "Silver",
    "Red",
    "Green",
    "Summit",
    "Clear",
    "Stone",
    "Swift",
    "Oak",
    "Pine",
    "Cedar",
    "Golden",
    "Lake",
    "River",
    "Sun",
    "Star",
    "Harbor",
    "Maple",
    "Falcon",
    "Eagle",
    "Crown",
    "Pacific",
    "Atlas",
    "Nova",
    "Vertex",
    "Prime",
    "Union",
)
COMPANY_ROOTS = (
    "field",
    "stone",
    "wave",
    "point",
    "bridge",
    "gate",
    "works",
    "line",
    "path",
    "ridge",
    "view",
    "crest",
    "brook",
    "forge",
    "spark",
    "leaf",
    "peak",
    "port",
    "core",
    "mark",
    "well",
    "wood",
    "shore",
    "light",
    "grid",
    "loop",
    "scale",
    "tech",
    "vale",
    "base",
)
COMPANY_SUFFIXES = (
    "Systems",
    "Labs",
    "Inc.",
    "Group",
    "Analytics",
    "Logistics",
    "Health",
    "Partners",
    "Software",
    "Holdings",
    "Solutions",
    "Networks",
    "Capital",
    "Industries",
    "Media",
)
LEADS_PER_COMPANY = 3  # several people from one account fill in forms
MIN_COMPANIES = 50
COMPANY_REACH_SIGMA = 1.0  # a few big accounts produce many of the leads

FIRST_NAMES = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Mia",
    "Lucas",
    "Amelia",
    "Mateo",
    "Harper",
    "Ethan",
    "Aria",
    "Daniel",
    "Chloe",
    "Omar",
    "Priya",
    "Kenji",
    "Fatima",
    "Lars",
    "Ingrid",
    "Diego",
    "Lucia",
    "Hannah",
    "Yusuf",
    "Mei",
    "Arjun",
    "Zoe",
    "Felix",
    "Clara",
    "Jonas",
    "Nora",
    "Samuel",
    "Grace",
    "Hugo",
    "Leila",
    "Marco",
    "Sofia",
    "Ravi",
    "Anna",
    "Tom",
    "Elena",
    "Kofi",
    "Julia",
    "Ahmed",
    "Sara",
    "Ben",
    "Maya",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Garcia",
    "Miller",
    "Davis",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Martin",
    "Lee",
    "Walker",
    "Hall",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Carter",
    "Mitchell",
    "Perez",
    "Roberts",
    "Turner",
    "Phillips",
    "Campbell",
    "Parker",
    "Evans",
    "Edwards",
    "Collins",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Cooper",
    "Peterson",
    "Reed",
    "Bailey",
    "Kelly",
    "Howard",
    "Ward",
    "Cox",
    "Diaz",
    "Richardson",
    "Wood",
    "Watson",
    "Brooks",
    "Bennett",
    "Gray",
    "Hughes",
    "Price",
    "Sanders",
    "Patel",
    "Kim",
    "Nguyen",
    "Schmidt",
    "Muller",
    "Rossi",
    "Tanaka",
    "Silva",
    "Jensen",
    "Novak",
)
NAME_MIX = 2_654_435_761  # Knuth's multiplicative hash spreads row numbers over the name grid

# Reps work their region's leads; headcount follows regional volume so loads are even, and two
# part-timers see only a trickle. Teams are how the reps are managed, not what they are sent.
TEAMS = ("Velocity", "Growth", "Strategic")
REPS_PER_REGION = {"NA": 10, "EMEA": 5, "APAC": 3}
REP_SKILLS = (
    0.55,
    0.65,
    0.72,
    0.8,
    0.85,
    0.9,
    0.95,
    1.0,
    1.0,
    1.0,
    1.05,
    1.1,
    1.15,
    1.2,
    1.25,
    1.3,
    1.4,
    1.5,
)  # spread so rankings are clear
SMALL_REPS = (("NA", "Velocity"), ("EMEA", "Growth"))
SMALL_REP_LEADS_PER_QUARTER = 12  # about 3 MQLs a quarter: below any ranking threshold
REP_CAPACITY_SIGMA = 0.1  # reps of one region carry slightly different loads
SENIOR_SKILL = 1.2  # top performers carry the senior title
QUEUE_NAMES = ("Inbound Lead Queue", "Partner Lead Queue")
QUEUE_SHARE = 0.03  # leads nobody picked up from a queue
USER_DOMAIN = "smarketing-demo.com"

SEASON_BY_QUARTER = np.array([1.15, 0.95, 0.85, 1.20])  # Q1 new budgets, Q4 year-end buying
GROWTH_PER_QUARTER = 1.02  # the business grows a little every quarter
WEEKEND_WEIGHT = 0.25  # few forms are filled in at weekends
LEAD_HOUR_MEAN, LEAD_HOUR_SD = 15.0, 3.5  # UTC: overlaps the EMEA afternoon and NA morning

# Lognormal delays between stages: (median hours, sigma)
MQL_DELAY = (72.0, 1.1)
FAST_TOUCH, SLOW_TOUCH = (3.0, 0.9), (40.0, 0.6)  # most touches within 24h, some a day later
SLOW_TOUCH_SHARE = 0.2
NEVER_TOUCHED_SHARE = 0.07  # plus queue-owned MQLs: about 10% of MQLs are never touched
SAL_DELAY = (20.0, 0.8)
SQL_DELAY = (6 * 24.0, 0.7)
OPP_DELAY = (5 * 24.0, 0.7)
CLOSE_DAYS = (45.0, 0.5)  # median sales cycle for a mid-market deal
SAL_SKIPPED_SHARE = 0.05  # SQLs whose SAL step was never recorded

# Disqualification: (chance a lead that failed the stage is closed out, reasons)
DQ_RULES = (
    (0.12, ("Bad contact data", "Student / job seeker", "Competitor", "Spam")),
    (0.70, ("No budget", "Not decision maker", "No response", "Wrong segment")),
    (0.60, ("No budget", "Not a fit", "Bad timing", "Chose competitor")),
    (0.50, ("Bad timing", "No budget", "Chose competitor", "Lost to status quo")),
)
LEAD_STATUSES = (
    "Open - Not Contacted",
    "Working - Contacted",
    "Nurturing",
    "Closed - Converted",
    "Closed - Not Converted",
)
NURTURE_AFTER_DAYS = 30  # unqualified leads older than this move to nurture

UNLINKED_OPP_SHARE = 0.05  # opportunities sales opened with no lead behind them
UNLINKED_CAMPAIGN_SHARE = 0.3  # of those, the ones credited to a campaign
UNLINKED_EXISTING_SHARE = 0.6  # of those, upsells to existing customers
OPEN_STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Proposal/Price Quote",
    "Negotiation/Review",
)
SECOND_MEMBERSHIP_DRAW = 0.23  # drawn for campaign leads; ~15% of leads keep a distinct later one
SECOND_MEMBERSHIP_DELAY = (30 * 24.0, 0.8)  # nurture brings leads back about a month later
SECOND_RESPONSE_SHARE = 0.7  # later campaigns are not always responded to
NON_RESPONDER_STATUS = "Sent"

MINUTES_PER_DAY = 24 * 60


@dataclass
class SampleBusiness:
    """One business unit's CRM records; strings are Arrow-backed, times UTC-naive datetime64[us].

    campaigns: campaign_id, name, channel, start_date, end_date (NaT while running), budget,
        actual_cost (NaN while running).
    reps: rep_id, name, team, region, skill (multiplier on the sales stages).
    leads: lead_id, created_at, campaign_id, rep_id (a "00G" queue when unassigned), channel,
        segment, region, company, industry, country, mql_at, sal_at, sql_at, first_touch_at,
        disqualified_reason, status.
    opportunities: opp_id, lead_id, created_at, close_date, is_closed, is_won, stage_name, amount,
        campaign_id, rep_id, channel, name, account_id, type.
    members: member_id, campaign_id, lead_id, created_at, first_responded_at.
    """

    quarters: list[str]
    campaigns: pd.DataFrame
    reps: pd.DataFrame
    leads: pd.DataFrame
    opportunities: pd.DataFrame
    members: pd.DataFrame
    today: date | None = None  # the day the data was "exported"; campaign status depends on it


# --------------------------------------------------------------------------- primitives


def quarter_window(today: date) -> tuple[list[str], date, date]:
    """Labels of the complete quarters shown, their first day, and the day after the last one."""
    current = today.year * 4 + (today.month - 1) // 3
    first = current - QUARTERS_SHOWN
    labels = [_quarter_label(index) for index in range(first, current)]
    return labels, _quarter_start(first), _quarter_start(current)


def _quarter_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def _quarter_start(index: int) -> date:
    return date(index // 4, index % 4 * 3 + 1, 1)


def _quarter_of(day: np.datetime64) -> str:
    month = int(day.astype("datetime64[M]").astype(np.int64))
    return _quarter_label(month // 12 * 4 + 1970 * 4 + month % 12 // 3)


_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
_ID18_SUFFIX = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", np.uint8)
ID_COUNTER_DIGITS = 10  # Salesforce ids: 3-char key prefix, 2-char pod, 10-char record number


class _IdMint:
    """Salesforce-style ids whose pod and numbering depend on the seed, so orgs never collide."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.pod = _BASE62[rng.integers(0, 62, 2)]
        self.next = int(rng.integers(62**7, 62**8))

    def make(self, prefix: str, count: int) -> pa.Array:
        counters = np.arange(self.next, self.next + count, dtype=np.int64)
        self.next += count
        chars = np.empty((count, 18), np.uint8)
        chars[:, :3] = np.frombuffer(prefix.encode(), np.uint8)
        chars[:, 3:5] = self.pod
        for position in range(14, 14 - ID_COUNTER_DIGITS, -1):
            chars[:, position] = _BASE62[counters % 62]
            counters //= 62
        chars[:, 15:] = _id18_suffix(chars[:, :15])
        return _fixed_width_strings(chars)


def _id18_suffix(body: np.ndarray) -> np.ndarray:
    """The case-checksum of 15-char ids (one row each), the vector form of ids.sfdc_id18."""
    upper = ((body >= ord("A")) & (body <= ord("Z"))).reshape(len(body), 3, 5)
    bits = np.zeros((len(body), 3), np.uint8)
    for offset in range(5):
        bits |= upper[:, :, offset].astype(np.uint8) << offset
    return _ID18_SUFFIX[bits]


def _fixed_width_strings(chars: np.ndarray) -> pa.Array:
    count, width = chars.shape
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int64)
    data = np.ascontiguousarray(chars)
    return pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data))


def _rekey(ids: pa.Array | pa.ChunkedArray, prefix: str) -> pa.Array:
    """Ids of another object for the same records (a converted lead's contact)."""
    chars = _id_chars(ids)
    chars[:, :3] = np.frombuffer(prefix.encode(), np.uint8)
    chars[:, 15:] = _id18_suffix(chars[:, :15])
    return _fixed_width_strings(chars)


def _id_chars(ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    binary = pc.cast(ids, pa.large_binary())
    offsets = np.frombuffer(binary.buffers()[1], np.int64)[binary.offset :][: len(binary) + 1]
    data = np.frombuffer(binary.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(len(binary), 18).copy()


def _take(values: pa.Array | Sequence[str], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Strings by code (negative codes are missing), kept Arrow-backed for memory at 5M rows."""
    dictionary = values if isinstance(values, pa.Array) else pa.array(list(values), pa.string())
    missing = codes < 0
    indices = pa.array(np.where(missing, 0, codes).astype(np.int64), mask=missing)
    return _str(pc.take(dictionary, indices))


def _str(values: pa.Array | pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    return pd.array(values, dtype="str")


def _pick(cumulative: np.ndarray, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A categorical draw per element, each from its own row of cumulative probabilities."""
    n_rows, n_options = cumulative.shape
    flat = (cumulative + np.arange(n_rows)[:, None]).ravel()
    position = np.searchsorted(flat, rows + u, side="right")
    return np.minimum(position - rows * n_options, n_options - 1)


def _cumulative(weights: np.ndarray) -> np.ndarray:
    totals = weights.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(weights, axis=1) / np.where(totals > 0, totals, 1.0)
    cumulative[:, -1] = 1.0  # rounding must never leave a draw past the last option
    return cumulative


def _delay(rng: np.random.Generator, shape: tuple[float, float], size: int) -> np.ndarray:
    """Lognormal waits rounded up to whole minutes, so each stage is strictly later."""
    median_hours, sigma = shape
    minutes = np.ceil(rng.lognormal(np.log(median_hours * 60), sigma, size))
    return minutes.astype(np.int64).astype("timedelta64[m]")


def _nat(size: int) -> np.ndarray:
    return np.full(size, np.datetime64("NaT"), "datetime64[m]")


def _rates(lift: np.ndarray, goal: float) -> np.ndarray:
    """Per-lead pass chances whose average over the cohort is the goal."""
    mean = lift.mean() if len(lift) else 1.0
    return np.clip(goal * lift / (mean if mean > 0 else 1.0), 0.0, MAX_STAGE_RATE)


# --------------------------------------------------------------------------- the world


class _Campaigns(NamedTuple):
    frame: pd.DataFrame
    ids: pa.Array
    channel: np.ndarray  # channel code of each campaign
    start: np.ndarray  # datetime64[D]
    end: np.ndarray  # datetime64[D], NaT while still running
    volume: np.ndarray  # relative reach within the channel; 0 for the one that drew nobody
    quality: np.ndarray  # multiplier on Lead→MQL


class _Reps(NamedTuple):
    frame: pd.DataFrame
    owner_ids: pa.Array  # reps' user ids, then the queues'
    owner_skill: np.ndarray  # queues convert nobody
    table: np.ndarray  # cumulative chance of each rep per lead region
    small: np.ndarray  # indices of the part-time reps
    region: np.ndarray  # region code of each rep


class _Companies(NamedTuple):
    names: pa.Array
    account_ids: pa.Array
    segment: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    country: np.ndarray  # code into _COUNTRY_NAMES
    weight: np.ndarray  # probability of a lead coming from each company


class _World(NamedTuple):
    start: np.datetime64  # first day of the first quarter shown
    days: int  # days in the quarters shown
    today: np.datetime64  # datetime64[D]
    now: np.datetime64  # datetime64[m]: nothing may happen after this
    mint: _IdMint
    campaigns: _Campaigns
    table: np.ndarray  # campaign choice per day, from the window start up to today
    reps: _Reps
    companies: _Companies


_COUNTRY_NAMES = tuple(name for names in COUNTRIES for name in names)
_COUNTRY_OFFSET = np.cumsum([0, *(len(names) for names in COUNTRIES)])[:-1]
_DQ_REASONS = tuple(dict.fromkeys(reason for _, reasons in DQ_RULES for reason in reasons))


def _plan_campaigns(rng: np.random.Generator, window_days: int) -> list[tuple[int, int, int, str]]:
    """(channel, first day, last day or -1 while running, topic), days from the window start."""
    plan = []
    for code, spec in enumerate(CHANNEL_SPECS):
        spacing = window_days / spec.campaigns
        always_on = spec.run_days >= spacing
        topics = rng.permutation(len(spec.topics))[: spec.campaigns]
        for slot, topic in enumerate(topics):
            if always_on:  # back to back, each launched a little before its slot
                first = round(slot * spacing - rng.uniform(0, ALWAYS_ON_EARLY_START_DAYS))
            else:
                first = round(slot * spacing + rng.uniform(0, spacing - spec.run_days))
            running = always_on and slot == spec.campaigns - 1 and spec.name in RUNNING_CHANNELS
            last = -1 if running else first + spec.run_days
            plan.append((code, first, last, spec.topics[topic]))
    return plan


def _make_campaigns(rng: np.random.Generator, mint: _IdMint, start: date, end: date) -> _Campaigns:
    plan = _plan_campaigns(rng, (end - start).days)
    channel_name, topic, offset, run_days = EMPTY_CAMPAIGN
    empty_first = (_quarter_start(_quarter_index(end) - 1) - start).days + offset
    plan.append((CHANNELS.index(channel_name), empty_first, empty_first + run_days, topic))
    plan.sort(key=lambda row: row[1])
    channel = np.array([row[0] for row in plan])
    day0 = np.datetime64(start, "D")
    first = day0 + np.array([row[1] for row in plan])
    last = np.array(
        [day0 + row[2] if row[2] >= 0 else np.datetime64("NaT") for row in plan], "datetime64[D]"
    )
    volume = rng.lognormal(0.0, VOLUME_SIGMA, len(plan))
    volume[[row[3] == topic for row in plan]] = 0.0
    quality = _campaign_quality(rng, channel, volume)
    names = [
        f"{_quarter_of(day)} {CHANNELS[row[0]]}: {row[3]}"
        for day, row in zip(first, plan, strict=True)
    ]
    ids = mint.make("701", len(plan))
    budget, actual = _campaign_costs(rng, channel, last)
    frame = pd.DataFrame(
        {
            "campaign_id": _str(ids),
            "name": pd.array(names, dtype="str"),
            "channel": _take(CHANNELS, channel),
            "start_date": first.astype("datetime64[us]"),
            "end_date": last.astype("datetime64[us]"),
            "budget": budget,
            "actual_cost": actual,
        }
    )
    return _Campaigns(frame, ids, channel, first, last, volume, quality)


def _quarter_index(day: date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def _campaign_quality(
    rng: np.random.Generator, channel: np.ndarray, volume: np.ndarray
) -> np.ndarray:
    """Mostly ordinary campaigns, plus a few clear stars and duds for the rankings to find."""
    quality = rng.lognormal(0.0, QUALITY_SIGMA, len(channel))
    long_running = np.array([CHANNEL_SPECS[code].run_days >= 40 for code in channel])
    eligible = np.flatnonzero(long_running & (volume > 0) & (channel != CHANNELS.index("Referral")))
    chosen = rng.permutation(eligible)[: STAR_CAMPAIGNS + DUD_CAMPAIGNS]
    quality[chosen[:STAR_CAMPAIGNS]] = STAR_LIFT
    quality[chosen[STAR_CAMPAIGNS:]] = DUD_LIFT
    return quality


def _campaign_costs(
    rng: np.random.Generator, channel: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    typical = np.array([CHANNEL_SPECS[code].budget for code in channel])
    budget = np.maximum(
        BUDGET_ROUNDING,
        np.round(typical * rng.lognormal(0.0, BUDGET_SIGMA, len(channel)) / BUDGET_ROUNDING)
        * BUDGET_ROUNDING,
    )
    actual = np.round(budget * rng.uniform(*ACTUAL_COST_RANGE, len(channel)), 2)
    actual[np.isnat(last)] = np.nan  # still running: only the budget is known
    return budget, actual


def _campaign_table(campaigns: _Campaigns, days: np.ndarray) -> np.ndarray:
    """Cumulative chance, for each day, of each campaign and then of each campaign-less channel."""
    live = (campaigns.start <= days[:, None]) & (
        (days[:, None] <= campaigns.end) | np.isnat(campaigns.end)
    )
    weight = live * campaigns.volume
    one_hot = (campaigns.channel[:, None] == np.arange(len(CHANNELS))).astype(float)
    by_channel = weight @ one_hot
    share = np.array([spec.lead_share for spec in CHANNEL_SPECS]) * (by_channel > 0)
    share *= CAMPAIGN_SHARE / share.sum(axis=1, keepdims=True)
    per_campaign = (
        weight
        / np.where(by_channel > 0, by_channel, 1.0)[:, campaigns.channel]
        * share[:, campaigns.channel]
    )
    no_campaign = (1 - CAMPAIGN_SHARE) * np.array([NO_CAMPAIGN_MIX.get(c, 0.0) for c in CHANNELS])
    no_campaign = np.broadcast_to(no_campaign, (len(days), len(CHANNELS)))
    return _cumulative(np.hstack([per_campaign, no_campaign]))


def _make_reps(rng: np.random.Generator, mint: _IdMint) -> _Reps:
    layout = [
        (region, TEAMS[seat % len(TEAMS)])
        for region in REGIONS
        for seat in range(REPS_PER_REGION[region])
    ]
    small = np.arange(len(layout), len(layout) + len(SMALL_REPS))
    layout += list(SMALL_REPS)
    last = rng.choice(len(LAST_NAMES), len(layout), replace=False)
    first = rng.choice(len(FIRST_NAMES), len(layout), replace=False)
    names = [f"{FIRST_NAMES[a]} {LAST_NAMES[b]}" for a, b in zip(first, last, strict=True)]
    skill = np.concatenate([rng.permutation(np.array(REP_SKILLS)), np.ones(len(SMALL_REPS))])
    ids = mint.make("005", len(layout))
    queue_ids = mint.make("00G", len(QUEUE_NAMES))
    region = np.array([REGIONS.index(row[0]) for row in layout])
    team = np.array([TEAMS.index(row[1]) for row in layout])
    frame = pd.DataFrame(
        {
            "rep_id": _str(ids),
            "name": pd.array(names, dtype="str"),
            "team": _take(TEAMS, team),
            "region": _take(REGIONS, region),
            "skill": skill,
        }
    )
    capacity = rng.lognormal(0.0, REP_CAPACITY_SIGMA, len(layout))
    capacity[small] = 0.0  # part-timers get a fixed trickle instead
    match = region == np.arange(len(REGIONS))[:, None]
    owner_ids = pa.concat_arrays([ids, queue_ids])
    owner_skill = np.concatenate([skill, np.zeros(len(QUEUE_NAMES))])
    return _Reps(frame, owner_ids, owner_skill, _cumulative(match * capacity), small, region)


def _make_companies(rng: np.random.Generator, mint: _IdMint, n_leads: int) -> _Companies:
    shape = (len(COMPANY_PREFIXES), len(COMPANY_ROOTS), len(COMPANY_SUFFIXES))
    size = min(int(np.prod(shape)), max(MIN_COMPANIES, n_leads // LEADS_PER_COMPANY))
    prefix, root, suffix = np.unravel_index(rng.choice(int(np.prod(shape)), size, False), shape)
    names = [
        f"{COMPANY_PREFIXES[a]}{COMPANY_ROOTS[b]} {COMPANY_SUFFIXES[c]}"
        for a, b, c in zip(prefix, root, suffix, strict=True)
    ]
    segment = rng.choice(len(SEGMENTS), size, p=SEGMENT_MIX)
    region = rng.choice(len(REGIONS), size, p=REGION_MIX)
    industry = rng.integers(0, len(INDUSTRIES), size)
    per_region = np.array([len(names) for names in COUNTRIES])[region]
    country = _COUNTRY_OFFSET[region] + (rng.random(size) * per_region).astype(np.int64)
    weight = rng.lognormal(0.0, COMPANY_REACH_SIGMA, size)
    return _Companies(
        pa.array(names, pa.string()),
        mint.make("001", size),
        segment,
        region,
        industry,
        country,
        weight / weight.sum(),
    )


def _make_world(
    rng: np.random.Generator, start: date, end: date, today: date, n_leads: int
) -> _World:
    mint = _IdMint(rng)
    campaigns = _make_campaigns(rng, mint, start, end)
    day0 = np.datetime64(start, "D")
    days = day0 + np.arange((today - start).days + 1)
    return _World(
        start=day0,
        days=(end - start).days,
        today=np.datetime64(today, "D"),
        now=np.datetime64(today, "m"),
        mint=mint,
        campaigns=campaigns,
        table=_campaign_table(campaigns, days),
        reps=_make_reps(rng, mint),
        companies=_make_companies(rng, mint, n_leads),
    )


def _day_weights(world: _World) -> np.ndarray:
    """How busy each day of the window is: seasonality, growth, quiet weekends."""
    days = world.start + np.arange(world.days)
    months = days.astype("datetime64[M]").astype(np.int64)
    quarters_in = (months - months[0]) // 3
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    return (
        SEASON_BY_QUARTER[months % 12 // 3]
        * GROWTH_PER_QUARTER**quarters_in
        * np.where(weekday >= 5, WEEKEND_WEIGHT, 1.0)
    )


def _created_times(
    rng: np.random.Generator, world: _World, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted creation minutes inside the window, and each one's day index."""
    weights = _day_weights(world)
    cumulative = np.cumsum(weights) / weights.sum()
    day = np.minimum(np.searchsorted(cumulative, rng.random(count), side="right"), world.days - 1)
    minute = np.clip(
        rng.normal(LEAD_HOUR_MEAN * 60, LEAD_HOUR_SD * 60, count), 0, MINUTES_PER_DAY - 1
    ).astype(np.int64)
    offsets = np.sort(day * MINUTES_PER_DAY + minute)
    created = world.start.astype("datetime64[m]") + offsets.astype("timedelta64[m]")
    return created, offsets // MINUTES_PER_DAY


# --------------------------------------------------------------------------- journeys


class _Leads(NamedTuple):
    created: np.ndarray  # datetime64[m], sorted
    day: np.ndarray  # day index in the window
    company: np.ndarray
    campaign: np.ndarray  # -1: no campaign
    channel: np.ndarray
    owner: np.ndarray  # rep index, or past the reps: a queue


class _Funnel(NamedTuple):
    mql: np.ndarray
    touch: np.ndarray
    sal: np.ndarray
    sql: np.ndarray
    opp: np.ndarray
    opp_leads: np.ndarray  # leads that reached an opportunity, in lead order
    dq: np.ndarray  # code into _DQ_REASONS, -1 if not disqualified
    status: np.ndarray  # code into LEAD_STATUSES


def _draw_leads(rng: np.random.Generator, world: _World, count: int) -> _Leads:
    created, day = _created_times(rng, world, count)
    company = rng.choice(len(world.companies.weight), count, p=world.companies.weight)
    n_campaigns = len(world.campaigns.channel)
    option = _pick(world.table, day, rng.random(count))
    has_campaign = option < n_campaigns
    campaign = np.where(has_campaign, option, -1)
    channel = np.where(
        has_campaign,
        world.campaigns.channel[np.minimum(option, n_campaigns - 1)],
        option - n_campaigns,
    )
    owner = _assign_owners(rng, world, company, day)
    return _Leads(
        created,
        day,
        company.astype(np.int32),
        campaign.astype(np.int16),
        channel.astype(np.int16),
        owner,
    )


def _assign_owners(
    rng: np.random.Generator, world: _World, company: np.ndarray, day: np.ndarray
) -> np.ndarray:
    reps, companies = world.reps, world.companies
    region = companies.region[company]
    owner = _pick(reps.table, region, rng.random(len(company))).astype(np.int16)
    trickle = min(SMALL_REP_LEADS_PER_QUARTER * QUARTERS_SHOWN, len(company) // 20)
    for rep in reps.small:  # a fixed trickle, whatever the size of the business
        candidates = np.flatnonzero(region == reps.region[rep])
        if len(candidates):
            owner[rng.choice(candidates, trickle)] = rep
    queued = rng.random(len(company)) < QUEUE_SHARE
    owner[queued] = len(reps.frame) + rng.integers(0, len(QUEUE_NAMES), int(queued.sum()))
    return owner


def _advance(
    rng: np.random.Generator,
    cohort: np.ndarray,
    lift: np.ndarray,
    goal: float,
    origin: np.ndarray,
    wait: tuple[float, float],
    now: np.datetime64,
    out: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Records when each lead of the cohort passes the stage; returns passed (so far), failed."""
    passed = rng.random(len(cohort)) < _rates(lift, goal)
    movers = cohort[passed]
    when = origin[movers] + _delay(rng, wait, len(movers))
    on_time = when <= now  # later ones are still in progress at export time
    out[movers[on_time]] = when[on_time]
    return movers[on_time], cohort[~passed]


def _first_touch(
    rng: np.random.Generator,
    world: _World,
    leads: _Leads,
    mqls: np.ndarray,
    mql: np.ndarray,
    out: np.ndarray,
) -> np.ndarray:
    """Sales' first touch after the MQL; returns which MQLs are ever touched."""
    queued = leads.owner[mqls] >= len(world.reps.frame)
    never = queued | (rng.random(len(mqls)) < NEVER_TOUCHED_SHARE)
    slow = rng.random(len(mqls)) < SLOW_TOUCH_SHARE
    wait = np.where(slow, _delay(rng, SLOW_TOUCH, len(mqls)), _delay(rng, FAST_TOUCH, len(mqls)))
    when = mql[mqls] + wait
    done = ~never & (when <= world.now)
    out[mqls[done]] = when[done]
    return ~never


def _run_funnel(rng: np.random.Generator, world: _World, leads: _Leads) -> _Funnel:
    n = len(leads.created)
    mql, touch, sal, sql, opp = (_nat(n) for _ in range(5))
    quality = _lead_quality(world, leads)
    skill = world.reps.owner_skill[leads.owner]

    def lift(stage: int, cohort: np.ndarray) -> np.ndarray:
        return CHANNEL_LIFT[leads.channel[cohort], stage]

    everyone = np.arange(n)
    mqls, failed0 = _advance(
        rng,
        everyone,
        lift(0, everyone) * quality,
        STAGE_GOALS[0],
        leads.created,
        MQL_DELAY,
        world.now,
        mql,
    )
    touched = _first_touch(rng, world, leads, mqls, mql, touch)
    sal_lift = lift(1, mqls) * np.sqrt(quality[mqls] * skill[mqls]) * touched
    sals, failed1 = _advance(rng, mqls, sal_lift, STAGE_GOALS[1], touch, SAL_DELAY, world.now, sal)
    sqls, failed2 = _advance(
        rng, sals, lift(2, sals) * skill[sals], STAGE_GOALS[2], sal, SQL_DELAY, world.now, sql
    )
    segment = world.companies.segment[leads.company[sqls]]
    opp_lift = lift(3, sqls) * np.sqrt(skill[sqls]) * SEGMENT_OPP_LIFT[segment]
    opps, failed3 = _advance(rng, sqls, opp_lift, STAGE_GOALS[3], sql, OPP_DELAY, world.now, opp)
    sal[sqls[rng.random(len(sqls)) < SAL_SKIPPED_SHARE]] = np.datetime64("NaT")
    failed1 = failed1[~np.isnat(touch[failed1])]  # untouched MQLs are ignored, not rejected
    dq = _disqualify(rng, n, (failed0, failed1, failed2, failed3))
    status = _lead_status(world, leads.created, mql, touch, dq, opps)
    return _Funnel(mql, touch, sal, sql, opp, np.sort(opps), dq, status)


def _lead_quality(world: _World, leads: _Leads) -> np.ndarray:
    """Campaign quality per lead, averaging 1 outside Referral so its edge stays about 2.5×."""
    quality = np.append(world.campaigns.quality, 1.0)[leads.campaign]  # -1 → neutral
    referral = leads.channel == CHANNELS.index("Referral")
    if (~referral).any():
        quality /= quality[~referral].mean()
    quality[referral] = 1.0
    return quality


def _disqualify(rng: np.random.Generator, n: int, failed: tuple[np.ndarray, ...]) -> np.ndarray:
    dq = np.full(n, -1, np.int8)
    for (chance, reasons), cohort in zip(DQ_RULES, failed, strict=True):
        closed = cohort[rng.random(len(cohort)) < chance]
        codes = np.array([_DQ_REASONS.index(reason) for reason in reasons], np.int8)
        dq[closed] = codes[rng.integers(0, len(reasons), len(closed))]
    return dq


def _lead_status(
    world: _World,
    created: np.ndarray,
    mql: np.ndarray,
    touch: np.ndarray,
    dq: np.ndarray,
    opps: np.ndarray,
) -> np.ndarray:
    status = np.zeros(len(created), np.int8)  # later rules win: converted beats everything
    stale = created <= world.now - np.timedelta64(NURTURE_AFTER_DAYS, "D")
    status[stale & np.isnat(mql)] = LEAD_STATUSES.index("Nurturing")
    status[~np.isnat(touch)] = LEAD_STATUSES.index("Working - Contacted")
    status[dq >= 0] = LEAD_STATUSES.index("Closed - Not Converted")
    status[opps] = LEAD_STATUSES.index("Closed - Converted")
    return status


class _OppDraft(NamedTuple):
    lead: np.ndarray  # lead index, -1 for opportunities sales opened with no lead
    created: np.ndarray
    company: np.ndarray
    owner: np.ndarray
    campaign: np.ndarray
    channel: np.ndarray
    existing: np.ndarray  # upsell to an existing customer


_OPP_STAGES = ("Closed Won", "Closed Lost", *OPEN_STAGES)


def _lead_opps(leads: _Leads, funnel: _Funnel) -> _OppDraft:
    rows = funnel.opp_leads
    return _OppDraft(
        rows,
        funnel.opp[rows],
        leads.company[rows],
        leads.owner[rows],
        leads.campaign[rows],
        leads.channel[rows],
        np.zeros(len(rows), bool),
    )


def _sales_opps(rng: np.random.Generator, world: _World, count: int) -> _OppDraft:
    created, day = _created_times(rng, world, count)
    company = rng.choice(len(world.companies.weight), count, p=world.companies.weight)
    regulars = np.setdiff1d(np.arange(len(world.reps.frame)), world.reps.small)
    owner = rng.choice(regulars, count)
    n_campaigns = len(world.campaigns.channel)
    option = _pick(world.table, day, rng.random(count))
    credited = (option < n_campaigns) & (rng.random(count) < UNLINKED_CAMPAIGN_SHARE)
    sourced = [CHANNELS.index(name) for name in SALES_SOURCED_MIX]
    own_channel = rng.choice(sourced, count, p=list(SALES_SOURCED_MIX.values()))
    channel = np.where(
        credited, world.campaigns.channel[np.minimum(option, n_campaigns - 1)], own_channel
    )
    existing = rng.random(count) < UNLINKED_EXISTING_SHARE
    return _OppDraft(
        np.full(count, -1),
        created,
        company,
        owner,
        np.where(credited, option, -1),
        channel,
        existing,
    )


def _close_dates(
    rng: np.random.Generator,
    world: _World,
    created: np.ndarray,
    segment: np.ndarray,
    won: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Close date (expected, in the future, while open), whether closed, and the stage."""
    opened = created.astype("datetime64[D]")
    median = CLOSE_DAYS[0] * SEGMENT_CYCLE[segment]
    days = np.maximum(1, np.round(rng.lognormal(np.log(median), CLOSE_DAYS[1])))
    close = opened + days.astype(np.int64).astype("timedelta64[D]")
    closed = close < world.today
    close = np.where(closed, close, np.maximum(close, world.today + np.timedelta64(1, "D")))
    progress = (world.today - opened) / (close - opened)
    open_stage = np.minimum((progress * len(OPEN_STAGES)).astype(np.int64), len(OPEN_STAGES) - 1)
    stage = np.where(closed, np.where(won, 0, 1), 2 + open_stage)
    return close, closed, stage


def _opportunities(
    rng: np.random.Generator, world: _World, leads: _Leads, funnel: _Funnel, lead_ids: pa.Array
) -> pd.DataFrame:
    from_leads = _lead_opps(leads, funnel)
    unlinked = _sales_opps(rng, world, round(UNLINKED_OPP_SHARE * len(from_leads.lead)))
    merged = [np.concatenate(pair) for pair in zip(from_leads, unlinked, strict=True)]
    order = np.argsort(merged[1], kind="stable")  # Salesforce numbers records as created
    draft = _OppDraft(*(column[order] for column in merged))
    count = len(order)
    segment = world.companies.segment[draft.company]
    amount = np.round(SEGMENT_AMOUNT[segment] * rng.lognormal(0.0, AMOUNT_SIGMA, count), 2)
    lift = (
        CHANNEL_LIFT[draft.channel, 4]
        * world.reps.owner_skill[draft.owner]
        * SEGMENT_WIN_LIFT[segment]
    )
    won = rng.random(count) < _rates(lift, STAGE_GOALS[4])
    close, closed, stage = _close_dates(rng, world, draft.created, segment, won)
    kind = pc.take(pa.array(["New Business", "Existing Business"]), draft.existing.astype(int))
    company = pc.take(world.companies.names, draft.company)
    return pd.DataFrame(
        {
            "opp_id": _str(world.mint.make("006", count)),
            "lead_id": _take(lead_ids, draft.lead),
            "created_at": draft.created.astype("datetime64[us]"),
            "close_date": close.astype("datetime64[us]"),
            "is_closed": closed,
            "is_won": closed & won,
            "stage_name": _take(_OPP_STAGES, stage),
            "amount": amount,
            "campaign_id": _take(world.campaigns.ids, draft.campaign),
            "rep_id": _take(world.reps.owner_ids, draft.owner),
            "channel": _take(CHANNELS, draft.channel),
            "name": _str(pc.binary_join_element_wise(company, kind, " - ")),
            "account_id": _take(world.companies.account_ids, draft.company),
            "type": _str(kind),
        }
    )


def _members(
    rng: np.random.Generator, world: _World, leads: _Leads, lead_ids: pa.Array
) -> pd.DataFrame:
    """The response that created each lead, plus later responses to other campaigns."""
    primary = np.flatnonzero(leads.campaign >= 0)
    drawn = primary[rng.random(len(primary)) < SECOND_MEMBERSHIP_DRAW]
    joined = (
        leads.created[drawn]
        + np.timedelta64(1, "D")
        + _delay(rng, SECOND_MEMBERSHIP_DELAY, len(drawn))
    )
    day = np.clip(
        (joined.astype("datetime64[D]") - world.start).astype(np.int64), 0, len(world.table) - 1
    )
    option = _pick(world.table, day, rng.random(len(drawn)))
    responded = rng.random(len(drawn)) < SECOND_RESPONSE_SHARE
    keep = (
        (option < len(world.campaigns.channel))
        & (option != leads.campaign[drawn])
        & (joined <= world.now)
    )
    later = np.where(responded, joined, np.datetime64("NaT"))[keep]
    lead = np.concatenate([primary, drawn[keep]])
    campaign = np.concatenate([leads.campaign[primary], option[keep]])
    created = np.concatenate([leads.created[primary], joined[keep]])
    first_responded = np.concatenate([leads.created[primary], later])
    order = np.argsort(created, kind="stable")
    return pd.DataFrame(
        {
            "member_id": _str(world.mint.make("00v", len(order))),
            "campaign_id": _take(world.campaigns.ids, campaign[order]),
            "lead_id": _take(lead_ids, lead[order]),
            "created_at": created[order].astype("datetime64[us]"),
            "first_responded_at": first_responded[order].astype("datetime64[us]"),
        }
    )


def _lead_frame(world: _World, leads: _Leads, funnel: _Funnel, lead_ids: pa.Array) -> pd.DataFrame:
    companies = world.companies
    return pd.DataFrame(
        {
            "lead_id": _str(lead_ids),
            "created_at": leads.created.astype("datetime64[us]"),
            "campaign_id": _take(world.campaigns.ids, leads.campaign),
            "rep_id": _take(world.reps.owner_ids, leads.owner),
            "channel": _take(CHANNELS, leads.channel),
            "segment": _take(SEGMENTS, companies.segment[leads.company]),
            "region": _take(REGIONS, companies.region[leads.company]),
            "company": _take(companies.names, leads.company),
            "industry": _take(INDUSTRIES, companies.industry[leads.company]),
            "country": _take(_COUNTRY_NAMES, companies.country[leads.company]),
            "mql_at": funnel.mql.astype("datetime64[us]"),
            "sal_at": funnel.sal.astype("datetime64[us]"),
            "sql_at": funnel.sql.astype("datetime64[us]"),
            "first_touch_at": funnel.touch.astype("datetime64[us]"),
            "disqualified_reason": _take(_DQ_REASONS, funnel.dq),
            "status": _take(LEAD_STATUSES, funnel.status),
        }
    )


def generate(n_leads: int = 12_000, *, seed: int = 42, today: date | None = None) -> SampleBusiness:
    """A business over the eight quarters before ``today``; same arguments, same data."""
    today = today or date.today()
    quarters, start, end = quarter_window(today)
    # One stream per part, so changing how one part draws leaves the others as they were
    streams = [np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(5)]
    world = _make_world(streams[0], start, end, today, n_leads)
    leads = _draw_leads(streams[1], world, n_leads)
    funnel = _run_funnel(streams[2], world, leads)
    lead_ids = world.mint.make("00Q", n_leads)
    return SampleBusiness(
        quarters=quarters,
        campaigns=world.campaigns.frame,
        reps=world.reps.frame,
        leads=_lead_frame(world, leads, funnel, lead_ids),
        opportunities=_opportunities(streams[3], world, leads, funnel, lead_ids),
        members=_members(streams[4], world, leads, lead_ids),
        today=today,
    )


# --------------------------------------------------------------------------- canonical journeys

CANONICAL_COLUMNS = (
    "journey_id",
    "entry_stage",
    "created_at",
    "campaign_id",
    "rep_id",
    "channel",
    "segment",
    "region",
    "company",
    "industry",
    "mql_at",
    "sal_at",
    "sql_at",
    "opp_at",
    "won_at",
    "lost_at",
    "first_touch_at",
    "amount",
    "won_amount",
    "disqualified_reason",
)
SOURCE = "sfdc"  # journey keys are "<source>:<record id>"


def _linked_rows(business: SampleBusiness) -> tuple[np.ndarray, np.ndarray]:
    """Row of each lead-sourced opportunity, and the row of its lead."""
    lead_ids = business.opportunities["lead_id"]
    opp_rows = np.flatnonzero(lead_ids.notna().to_numpy())
    wanted = pa.array(lead_ids.iloc[opp_rows])
    lead_rows = pc.index_in(wanted, value_set=pa.array(business.leads["lead_id"]))
    return opp_rows, lead_rows.to_numpy(zero_copy_only=False).astype(np.int64)


def _outcomes(opps: pd.DataFrame) -> dict[str, np.ndarray]:
    closed = opps["close_date"].to_numpy()
    won = opps["is_won"].to_numpy()
    lost = opps["is_closed"].to_numpy() & ~won
    amount = opps["amount"].to_numpy()
    return {
        "opp_at": opps["created_at"].to_numpy(),
        "won_at": np.where(won, closed, np.datetime64("NaT")),
        "lost_at": np.where(lost, closed, np.datetime64("NaT")),
        "amount": amount,
        "won_amount": np.where(won, amount, np.nan),
    }


def _lead_journeys(business: SampleBusiness) -> pd.DataFrame:
    leads = business.leads
    opp_rows, lead_rows = _linked_rows(business)
    frame = leads[[c for c in CANONICAL_COLUMNS if c in leads.columns]].copy()
    frame.insert(0, "journey_id", _keyed(SOURCE, leads["lead_id"]))
    frame.insert(1, "entry_stage", "lead")
    owners = pa.array(leads["rep_id"])
    frame["rep_id"] = _str(pc.if_else(pc.starts_with(owners, SFDC_QUEUE_PREFIX), None, owners))
    for column, values in _outcomes(business.opportunities.iloc[opp_rows]).items():
        full = (
            np.full(len(leads), np.nan)
            if values.dtype.kind == "f"
            else np.full(len(leads), np.datetime64("NaT"), values.dtype)
        )
        full[lead_rows] = values
        frame[column] = full
    return frame


def _opp_journeys(business: SampleBusiness) -> pd.DataFrame:
    """Opportunities with no lead: journeys that enter the funnel at Opp, with what they carry."""
    opps = business.opportunities[business.opportunities["lead_id"].isna()]
    frame = pd.DataFrame(
        {
            "journey_id": _keyed(f"{SOURCE}:opp", opps["opp_id"]),
            "entry_stage": "opp",
            "created_at": opps["created_at"].to_numpy(),
            "campaign_id": opps["campaign_id"].array,
            "rep_id": opps["rep_id"].array,
            "channel": opps["channel"].array,
        }
    )
    for column, values in _outcomes(opps).items():
        frame[column] = values
    return frame


def _keyed(prefix: str, ids: pd.Series) -> pd.api.extensions.ExtensionArray:
    values = pa.array(ids).cast(pa.large_string())
    scalar = pa.scalar(prefix, pa.large_string())
    return _str(pc.binary_join_element_wise(scalar, values, pa.scalar(":", pa.large_string())))


def canonical_journeys(business: SampleBusiness) -> pd.DataFrame:
    """One row per lead plus one per opportunity with no lead, in the product's columns."""
    journeys = pd.concat([_lead_journeys(business), _opp_journeys(business)], ignore_index=True)
    for column in CANONICAL_COLUMNS:
        if column not in journeys.columns:
            journeys[column] = pd.Series(np.nan, index=journeys.index, dtype="str")
    return journeys[list(CANONICAL_COLUMNS)]


def canonical_csv(business: SampleBusiness) -> bytes:
    text = canonical_journeys(business).to_csv(
        index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S", na_rep=""
    )
    return text.encode("utf-8")


# --------------------------------------------------------------------------- Salesforce export

SF_DATETIME = "%Y-%m-%dT%H:%M:%S.000Z"  # Data Export writes UTC with milliseconds
SF_DATE = "%Y-%m-%d"
SF_HEADERS = {
    "Lead.csv": (
        "Id",
        "IsDeleted",
        "FirstName",
        "LastName",
        "Company",
        "Industry",
        "Country",
        "LeadSource",
        "Status",
        "OwnerId",
        "IsConverted",
        "ConvertedDate",
        "ConvertedOpportunityId",
        "ConvertedContactId",
        "CreatedDate",
        "MQL_Date__c",
        "SAL_Date__c",
        "SQL_Date__c",
        "First_Touch_Date__c",
        "Segment__c",
        "Region__c",
        "Disqualified_Reason__c",
    ),
    "Opportunity.csv": (
        "Id",
        "IsDeleted",
        "AccountId",
        "Name",
        "StageName",
        "Amount",
        "CloseDate",
        "IsClosed",
        "IsWon",
        "CampaignId",
        "OwnerId",
        "LeadSource",
        "CreatedDate",
        "Type",
    ),
    "Campaign.csv": (
        "Id",
        "IsDeleted",
        "Name",
        "Type",
        "Status",
        "StartDate",
        "EndDate",
        "BudgetedCost",
        "ActualCost",
        "IsActive",
    ),
    "CampaignMember.csv": (
        "Id",
        "IsDeleted",
        "CampaignId",
        "LeadId",
        "ContactId",
        "Status",
        "HasResponded",
        "CreatedDate",
        "FirstRespondedDate",
    ),
    "User.csv": (
        "Id",
        "Username",
        "Name",
        "FirstName",
        "LastName",
        "Title",
        "Department",
        "Division",
        "IsActive",
    ),
}
REP_TITLES = ("Sales Development Representative", "Senior Sales Development Representative")


def _when(values: pd.Series | np.ndarray, layout: str) -> pd.api.extensions.ExtensionArray:
    """Timestamps as text (missing stays missing), formatted by Arrow rather than row by row."""
    seconds = np.asarray(values, dtype="datetime64[s]")
    return _str(pc.strftime(pa.array(seconds, from_pandas=True), format=layout))


def _flag(values: pd.Series | np.ndarray) -> pd.api.extensions.ExtensionArray:
    return _str(pc.if_else(pa.array(np.asarray(values, bool)), "true", "false"))


def _people(lead_ids: pd.Series) -> tuple[pd.api.extensions.ExtensionArray, ...]:
    """First and last names, scattered over the name grid by a fixed hash of the row.

    The hash is salted with the org's first record number, so two business units differ.
    """
    salt = int(lead_ids.iloc[0][5:15], 36) if len(lead_ids) else 0
    rows = np.arange(len(lead_ids), dtype=np.uint64) + np.uint64(salt % 2**32)
    mixed = (rows * np.uint64(NAME_MIX)) % np.uint64(2**32)
    first = (mixed % np.uint64(len(FIRST_NAMES))).astype(np.int64)
    last = (mixed // np.uint64(len(FIRST_NAMES)) % np.uint64(len(LAST_NAMES))).astype(np.int64)
    return _take(FIRST_NAMES, first), _take(LAST_NAMES, last)


def _quoted_csv(frame: pd.DataFrame) -> bytes:
    """Every field quoted, empty ones too, like Data Loader; money with cents."""
    text = frame.to_csv(
        index=False, quoting=csv.QUOTE_ALL, lineterminator="\n", float_format="%.2f", na_rep=""
    )
    return text.encode("utf-8")


def _conversions(business: SampleBusiness) -> dict[str, np.ndarray | pa.Array]:
    """Per lead: converted?, the opportunity it became, when, and the contact it became."""
    leads = business.leads
    opp_rows, lead_rows = _linked_rows(business)
    opp_row = np.full(len(leads), -1)
    opp_row[lead_rows] = opp_rows
    converted = opp_row >= 0
    contact = _rekey(pa.array(leads["lead_id"]), "003")
    contact = pc.if_else(pa.array(converted), contact, pa.nulls(len(leads), contact.type))
    opp_ids = pa.array(business.opportunities["opp_id"])
    created = business.opportunities["created_at"].to_numpy()
    return {
        "converted": converted,
        "opp_id": _take(opp_ids, opp_row),
        "date": _times_at(created, opp_row),
        "contact_id": contact,
    }


def _times_at(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """values[rows], NaT where the row is -1."""
    picked = np.full(len(rows), np.datetime64("NaT"), values.dtype)
    picked[rows >= 0] = values[rows[rows >= 0]]
    return picked


def _sf_leads(business: SampleBusiness) -> pd.DataFrame:
    leads = business.leads
    first, last = _people(leads["lead_id"])
    converted = _conversions(business)
    columns = [
        leads["lead_id"].array,
        _flag(np.zeros(len(leads))),
        first,
        last,
        leads["company"].array,
        leads["industry"].array,
        leads["country"].array,
        leads["channel"].array,
        leads["status"].array,
        leads["rep_id"].array,
        _flag(converted["converted"]),
        _when(converted["date"], SF_DATE),
        converted["opp_id"],
        _str(converted["contact_id"]),
        _when(leads["created_at"], SF_DATETIME),
        _when(leads["mql_at"], SF_DATETIME),
        _when(leads["sal_at"], SF_DATETIME),
        _when(leads["sql_at"], SF_DATETIME),
        _when(leads["first_touch_at"], SF_DATETIME),
        leads["segment"].array,
        leads["region"].array,
        leads["disqualified_reason"].array,
    ]
    return pd.DataFrame(dict(zip(SF_HEADERS["Lead.csv"], columns, strict=True)))


def _sf_opportunities(business: SampleBusiness) -> pd.DataFrame:
    opps = business.opportunities
    columns = [
        opps["opp_id"].array,
        _flag(np.zeros(len(opps))),
        opps["account_id"].array,
        opps["name"].array,
        opps["stage_name"].array,
        opps["amount"].to_numpy(),
        _when(opps["close_date"], SF_DATE),
        _flag(opps["is_closed"]),
        _flag(opps["is_won"]),
        opps["campaign_id"].array,
        opps["rep_id"].array,
        opps["channel"].array,
        _when(opps["created_at"], SF_DATETIME),
        opps["type"].array,
    ]
    return pd.DataFrame(dict(zip(SF_HEADERS["Opportunity.csv"], columns, strict=True)))


def _sf_campaigns(business: SampleBusiness) -> pd.DataFrame:
    campaigns = business.campaigns
    today = np.datetime64(business.today or date.today(), "us")
    start, end = campaigns["start_date"].to_numpy(), campaigns["end_date"].to_numpy()
    finished = end < today  # NaT compares false: running campaigns are never finished
    status = np.where(start > today, 0, np.where(finished, 2, 1))
    columns = [
        campaigns["campaign_id"].array,
        _flag(np.zeros(len(campaigns))),
        campaigns["name"].array,
        campaigns["channel"].array,
        _take(("Planned", "In Progress", "Completed"), status),
        _when(start, SF_DATE),
        _when(end, SF_DATE),
        campaigns["budget"].to_numpy(),
        campaigns["actual_cost"].to_numpy(),
        _flag(~finished),
    ]
    return pd.DataFrame(dict(zip(SF_HEADERS["Campaign.csv"], columns, strict=True)))


def _member_statuses(business: SampleBusiness, responded: np.ndarray) -> pd.Series:
    members, campaigns = business.members, business.campaigns
    rows = pc.index_in(
        pa.array(members["campaign_id"]), value_set=pa.array(campaigns["campaign_id"])
    )
    channel = campaigns["channel"].to_numpy()[rows.to_numpy(zero_copy_only=False)]
    by_channel = {spec.name: spec.member_status for spec in CHANNEL_SPECS}
    status = pd.Series(channel).map(by_channel).to_numpy()
    return pd.Series(np.where(responded, status, NON_RESPONDER_STATUS), dtype="str")


def _sf_members(business: SampleBusiness) -> pd.DataFrame:
    members = business.members
    responded = members["first_responded_at"].notna().to_numpy()
    contacts = pd.Series(
        _str(_conversions(business)["contact_id"]), index=business.leads["lead_id"]
    )
    columns = [
        members["member_id"].array,
        _flag(np.zeros(len(members))),
        members["campaign_id"].array,
        members["lead_id"].array,
        contacts.reindex(members["lead_id"]).array,
        _member_statuses(business, responded).array,
        _flag(responded),
        _when(members["created_at"], SF_DATETIME),
        _when(members["first_responded_at"], SF_DATE),
    ]
    return pd.DataFrame(dict(zip(SF_HEADERS["CampaignMember.csv"], columns, strict=True)))


def _sf_users(business: SampleBusiness) -> pd.DataFrame:
    reps = business.reps
    first = reps["name"].str.split(" ").str[0]
    last = reps["name"].str.split(" ").str[-1]
    username = (first + "." + last).str.lower() + "@" + USER_DOMAIN
    senior = (reps["skill"].to_numpy() >= SENIOR_SKILL).astype(int)
    columns = [
        reps["rep_id"].array,
        username.array,
        reps["name"].array,
        first.array,
        last.array,
        _take(REP_TITLES, senior),
        reps["team"].array,
        reps["region"].array,
        _flag(np.ones(len(reps))),
    ]
    return pd.DataFrame(dict(zip(SF_HEADERS["User.csv"], columns, strict=True)))


def salesforce_files(business: SampleBusiness) -> dict[str, bytes]:
    """The business as a Salesforce Data Export: one CSV per object, API names as headers."""
    builders = {
        "Lead.csv": _sf_leads,
        "Opportunity.csv": _sf_opportunities,
        "Campaign.csv": _sf_campaigns,
        "CampaignMember.csv": _sf_members,
        "User.csv": _sf_users,
    }
    return {name: _quoted_csv(build(business)) for name, build in builders.items()}


# --------------------------------------------------------------------------- HubSpot export

HS_DATETIME = "%Y-%m-%d %H:%M"  # exports use the account's time zone; this account runs on UTC
HS_CONTACT_IDS = (51, 50)  # (first record id, step): classic portals number contacts 51, 101, ...
HS_DEAL_IDS = (9_801_000_001, 3)
HS_PIPELINE = "Sales Pipeline"
HS_HEADERS = {
    "hubspot-contacts.csv": (
        "Record ID",
        "First Name",
        "Last Name",
        "Email",
        "Company Name",
        "Industry",
        "Country/Region",
        "Create Date",
        "Contact owner",
        "Lifecycle Stage",
        "Lead Status",
        "Became a Lead Date",
        "Became a Marketing Qualified Lead Date",
        "Became a Sales Qualified Lead Date",
        "Became an Opportunity Date",
        "Became a Customer Date",
        "Original Source",
        "Original Source Drill-Down 1",
        "Original Source Drill-Down 2",
        "Associated Deal IDs",
        "Time of First Engagement",
    ),
    "hubspot-deals.csv": (
        "Record ID",
        "Deal Name",
        "Deal Stage",
        "Pipeline",
        "Amount",
        "Close Date",
        "Create Date",
        "Deal owner",
        "Associated Contact IDs",
    ),
}
HS_LEAD_STATUS = {
    "Open - Not Contacted": "New",
    "Working - Contacted": "In Progress",
    "Nurturing": "Open",
    "Closed - Converted": "Open Deal",
    "Closed - Not Converted": "Unqualified",
}
HS_DEAL_STAGE = {
    "Closed Won": "Closed Won",
    "Closed Lost": "Closed Lost",
    "Prospecting": "Appointment Scheduled",
    "Qualification": "Qualified To Buy",
    "Needs Analysis": "Presentation Scheduled",
    "Value Proposition": "Decision Maker Bought-In",
    "Proposal/Price Quote": "Contract Sent",
    "Negotiation/Review": "Contract Sent",
}
HS_LIFECYCLE = ("lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer")


def _record_ids(count: int, numbering: tuple[int, int]) -> pa.Array:
    first, step = numbering
    return pc.cast(pa.array(first + step * np.arange(count, dtype=np.int64)), pa.string())


def _owner_names(business: SampleBusiness, owners: pd.Series) -> pd.api.extensions.ExtensionArray:
    """Owners by name, as HubSpot exports them; queues have no name and stay blank."""
    reps = business.reps
    rows = pc.index_in(pa.array(owners), value_set=pa.array(reps["rep_id"]))
    return _str(pc.take(pa.array(reps["name"]), rows))


def _lifecycle(leads: pd.DataFrame, outcomes: dict[str, np.ndarray]) -> np.ndarray:
    stage = np.zeros(len(leads), np.int64)
    stage[leads["mql_at"].notna().to_numpy() | leads["sal_at"].notna().to_numpy()] = 1
    stage[leads["sql_at"].notna().to_numpy()] = 2
    stage[~np.isnat(outcomes["opp_at"])] = 3
    stage[~np.isnat(outcomes["won_at"])] = 4
    return stage


def _lead_outcomes(business: SampleBusiness) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Opportunity dates per lead, and the row of each lead's deal (-1 if none)."""
    opp_rows, lead_rows = _linked_rows(business)
    count = len(business.leads)
    deal_row = np.full(count, -1)
    deal_row[lead_rows] = opp_rows
    outcomes = {}
    for column, values in _outcomes(business.opportunities.iloc[opp_rows]).items():
        if values.dtype.kind == "M":
            full = np.full(count, np.datetime64("NaT"), values.dtype)
            full[lead_rows] = values
            outcomes[column] = full
    return outcomes, deal_row


def _email(first: pd.Series, last: pd.Series, company: pd.Series) -> pd.Series:
    domain = company.str.lower().str.replace(r"[^a-z0-9]", "", regex=True) + ".com"
    return (first + "." + last).str.lower() + "@" + domain


def _hs_contacts(business: SampleBusiness) -> pd.DataFrame:
    leads = business.leads
    first, last = (pd.Series(names) for names in _people(leads["lead_id"]))
    outcomes, deal_row = _lead_outcomes(business)
    specs = {spec.name: spec for spec in CHANNEL_SPECS}
    campaign_names = pd.Series(
        business.campaigns["name"].array, index=business.campaigns["campaign_id"]
    )
    columns = [
        _record_ids(len(leads), HS_CONTACT_IDS),
        first.array,
        last.array,
        _email(first, last, leads["company"]).array,
        leads["company"].array,
        leads["industry"].array,
        leads["country"].array,
        _when(leads["created_at"], HS_DATETIME),
        _owner_names(business, leads["rep_id"]),
        _take(HS_LIFECYCLE, _lifecycle(leads, outcomes)),
        leads["status"].map(HS_LEAD_STATUS),
        _when(leads["created_at"], HS_DATETIME),
        _when(leads["mql_at"], HS_DATETIME),
        _when(leads["sql_at"], HS_DATETIME),
        _when(outcomes["opp_at"], HS_DATETIME),
        _when(outcomes["won_at"], HS_DATETIME),
        leads["channel"].map({name: spec.hubspot_source for name, spec in specs.items()}),
        leads["channel"].map({name: spec.hubspot_drill for name, spec in specs.items()}),
        campaign_names.reindex(leads["campaign_id"]).array,
        _take(_record_ids(len(business.opportunities), HS_DEAL_IDS), deal_row),
        _when(leads["first_touch_at"], HS_DATETIME),
    ]
    return pd.DataFrame(dict(zip(HS_HEADERS["hubspot-contacts.csv"], columns, strict=True)))


def _hs_deals(business: SampleBusiness) -> pd.DataFrame:
    opps = business.opportunities
    contact_ids = _record_ids(len(business.leads), HS_CONTACT_IDS)
    opp_rows, lead_rows = _linked_rows(business)
    contact_row = np.full(len(opps), -1)
    contact_row[opp_rows] = lead_rows
    columns = [
        _record_ids(len(opps), HS_DEAL_IDS),
        opps["name"].array,
        opps["stage_name"].map(HS_DEAL_STAGE),
        _take((HS_PIPELINE,), np.zeros(len(opps), int)),
        opps["amount"].to_numpy(),
        _when(opps["close_date"], HS_DATETIME),
        _when(opps["created_at"], HS_DATETIME),
        _owner_names(business, opps["rep_id"]),
        _take(contact_ids, contact_row),
    ]
    return pd.DataFrame(dict(zip(HS_HEADERS["hubspot-deals.csv"], columns, strict=True)))


def hubspot_files(business: SampleBusiness) -> dict[str, bytes]:
    """The business as HubSpot contacts and deals exports (owners and campaigns by name)."""
    frames = {
        "hubspot-contacts.csv": _hs_contacts(business),
        "hubspot-deals.csv": _hs_deals(business),
    }
    return {
        name: frame.to_csv(index=False, lineterminator="\n", float_format="%.2f", na_rep="").encode(
            "utf-8"
        )
        for name, frame in frames.items()
    }


# --------------------------------------------------------------------------- sample files

# (leads, seed) of the main business unit. Fully quoted Salesforce rows run ~235 bytes a lead
# plus ~125 per campaign membership, so 8,000 leads is what fits the 4 MB sample budget
SALESFORCE_SAMPLE = (8_000, 42)
HUBSPOT_SAMPLE = (2_500, 7)  # a smaller, separate business unit on HubSpot


def write_sample_data(directory: Path, *, today: date | None = None) -> list[Path]:
    """Writes the Salesforce and HubSpot sample exports under directory; returns the paths."""
    leads, seed = SALESFORCE_SAMPLE
    salesforce = salesforce_files(generate(leads, seed=seed, today=today))
    leads, seed = HUBSPOT_SAMPLE
    hubspot = hubspot_files(generate(leads, seed=seed, today=today))
    written = []
    for folder, files in (("salesforce", salesforce), ("hubspot", hubspot)):
        (directory / folder).mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = directory / folder / name
            path.write_bytes(content)
            written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample CRM exports.")
    parser.add_argument("directory", type=Path)
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="pretend export day, YYYY-MM-DD (default: today)",
    )
    args = parser.parse_args(argv)
    for path in write_sample_data(args.directory, today=args.today):
        print(path)


if __name__ == "__main__":
    main()

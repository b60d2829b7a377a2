"""Turning a recognised file into typed canonical records, rejecting unusable rows one by one.

The output of ``map_records`` has exactly the columns of the raw table the target feeds
(``journeys``, ``opportunities``, ``campaign_members``, ``campaigns``, ``reps``) plus
``row_hash``, ``is_deleted`` and ``row_number``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smarketing_data.ids import SFDC_QUEUE_PREFIX, sfdc_id18
from smarketing_data.ingest.formats import TARGET_FIELDS
from smarketing_data.ingest.read import RawTable
from smarketing_data.ingest.recognize import Match
from smarketing_data.ingest.values import (
    Parsed,
    clean_text,
    parse_amounts,
    parse_booleans,
    parse_dates,
    parse_datetimes,
)

TEXT_FIELDS = (
    "name",
    "stage",
    "status",
    "lifecycle_stage",
    "company",
    "industry",
    "segment",
    "region",
    "channel",
    "disqualified_reason",
    "team",
    "first_name",
    "last_name",
    "entry_stage",
)
ID_FIELDS = (
    "record_id",
    "rep",
    "campaign",
    "converted_opportunity_id",
    "converted_contact_id",
    "lead_id",
    "contact_id",
)
NAME_ID_FIELDS = ("rep", "campaign")  # may hold names instead of ids (SPEC §3.8)
LIST_FIELDS = ("associated_opp_ids", "associated_lead_ids")
DATETIME_FIELDS = (
    "created_at",
    "mql_at",
    "sal_at",
    "sql_at",
    "opp_at",
    "won_at",
    "lost_at",
    "first_touch_at",
    "close_date",
    "first_responded_at",
)
DATE_FIELDS = ("start_date", "end_date")
AMOUNT_FIELDS = ("amount", "won_amount", "budget", "actual_cost")
BOOL_FIELDS = ("is_closed", "is_won", "is_deleted")

STAGE_ORDER = ("created_at", "mql_at", "sal_at", "sql_at", "opp_at", "won_at")
# Exports round times differently (dates vs datetimes, time zones), so small inversions are
# noise; SPEC §5.3 rejects only those of more than a day.
ORDER_TOLERANCE = pd.Timedelta(days=1)
# Dates outside these years are typos or placeholders (9999-12-31), not CRM events.
EARLIEST, LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-01-01")
# A source's records enter the funnel as leads, as MQLs (a list of marketing-qualified leads)
# or as opportunities (SPEC §3.1).
ENTRY_STAGES = ("lead", "mql", "opp")
WON_STAGES = {"closed won", "closedwon", "won"}
LOST_STAGES = {"closed lost", "closedlost", "lost"}
DISQUALIFIED_STATUS_WORDS = ("disqualif", "unqualif", "junk", "not converted", "not qualified")

CHANNEL_SYNONYMS: dict[str, str] = {
    "email": "Email",
    "email marketing": "Email",
    "e-mail": "Email",
    "newsletter": "Email",
    "webinar": "Webinar",
    "webinars": "Webinar",
    "paid search": "Paid Search",
    "ppc": "Paid Search",
    "sem": "Paid Search",
    "google ads": "Paid Search",
    "adwords": "Paid Search",
    "paid": "Paid Search",
    "trade show": "Trade Show",
    "tradeshow": "Trade Show",
    "trade shows": "Trade Show",
    "content": "Content",
    "content syndication": "Content",
    "social": "Social",
    "social media": "Social",
    "paid social": "Social",
    "organic social": "Social",
    "linkedin": "Social",
    "outbound": "Outbound",
    "cold call": "Outbound",
    "prospecting": "Outbound",
    "other": "Other",
    "others": "Other",
    "referral": "Referral",
    "referrals": "Referral",
    "word of mouth": "Referral",
}


@dataclass(slots=True)
class Rejection:
    # slots: a file of garbage can reject millions of rows, one of these each
    row: int
    reason: str


@dataclass
class MappedFile:
    target: str
    records: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    duplicates: int = 0  # identical repeats of a row, counted as unchanged
    notes: list[str] = field(default_factory=list)


def normalize_channel(values: pd.Series) -> pd.Series:
    """Channel names of all CRMs on one list (SPEC §3), unknown ones kept as written."""

    def one(value: object) -> object:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        text = str(value).strip()
        key = " ".join(text.casefold().split())
        if key in CHANNEL_SYNONYMS:
            return CHANNEL_SYNONYMS[key]
        if key.startswith("partner"):
            return "Partner"
        if "referral" in key:
            return "Referral"
        return text

    uniques = pd.unique(values.astype(object))
    lookup = {u: one(u) for u in uniques}
    return values.astype(object).map(lookup)


class _Errors:
    """Collects the first reason each row is rejected for."""

    def __init__(self, n: int) -> None:
        self.reason = np.full(n, None, dtype=object)

    def add(self, mask: pd.Series | np.ndarray, reasons: pd.Series | str) -> None:
        m = np.asarray(mask, dtype=bool) & pd.isna(self.reason)
        if not m.any():
            return
        if isinstance(reasons, str):
            self.reason[m] = reasons
        else:
            self.reason[m] = np.asarray(reasons.astype(object))[m]

    @property
    def bad(self) -> np.ndarray:
        return ~pd.isna(self.reason)


def _column(raw: RawTable, match: Match, fname: str) -> pd.Series | None:
    """The file's text for a field: its column, else the mapping's constant; value-mapped."""
    header = match.columns.get(fname)
    if header is not None:
        values = raw.frame[header]
    elif fname in match.constants:
        constant = match.constants[fname]
        text = "" if constant is None else str(constant)
        values = pd.Series([text] * len(raw.frame), index=raw.frame.index, dtype=object)
    else:
        return None
    if fname in match.values:
        values = _value_mapped(values, match.values[fname])
    return values


def _value_mapped(values: pd.Series, table: dict[str, object]) -> pd.Series:
    """Cells replaced by the mapping's value map: exact text first, then any case."""
    folded = {k.strip().casefold(): v for k, v in table.items()}

    def one(cell: object) -> object:
        text = "" if cell is None else str(cell).strip()
        if text in table:
            found = table[text]
        elif text.casefold() in folded:
            found = folded[text.casefold()]
        else:
            return cell
        return "" if found is None else str(found)

    lookup = {u: one(u) for u in pd.unique(values.astype(object))}
    return values.astype(object).map(lookup)


def _field_label(match: Match, fname: str) -> str:
    """How messages name where a field's value came from."""
    return match.columns.get(fname) or f"constant {fname}"


def _invalid_reason(
    header: str, values: pd.Series, what: str, mask: pd.Series | np.ndarray
) -> pd.Series:
    """The rejection message for the masked rows (only those: messages cost time)."""
    out = pd.Series(None, index=values.index, dtype=object)
    m = np.asarray(mask, dtype=bool)
    if m.any():
        shown = values[m].astype(str).str.slice(0, 60)
        out[m] = (f"{what} in '{header}': '" + shown + "'").to_numpy(dtype=object)
    return out


def _parse_field(raw: RawTable, match: Match, fname: str, tz: str, errors: _Errors) -> pd.Series:
    n = len(raw.frame)
    col = _column(raw, match, fname)
    if fname in DATETIME_FIELDS:
        empty: pd.Series = pd.Series(pd.NaT, index=raw.frame.index, dtype="datetime64[us]")
    elif fname in AMOUNT_FIELDS:
        empty = pd.Series(np.nan, index=raw.frame.index, dtype="float64")
    elif fname in BOOL_FIELDS:
        empty = pd.Series(pd.NA, index=raw.frame.index, dtype="boolean")
    elif fname in DATE_FIELDS:
        empty = pd.Series(pd.NaT, index=raw.frame.index, dtype="datetime64[us]")
    else:
        empty = pd.Series([None] * n, index=raw.frame.index, dtype=object)
    if col is None:
        return empty
    header = _field_label(match, fname)
    day_first = match.profile.day_first
    order = match.dates.get(header)
    parsed: Parsed
    if fname in DATETIME_FIELDS or fname in DATE_FIELDS:
        parsed = (
            parse_datetimes(col, tz=tz, day_first=day_first, excel=raw.excel, order=order)
            if fname in DATETIME_FIELDS
            else parse_dates(col, day_first=day_first, excel=raw.excel, order=order)
        )
        what = "unparseable date"
        far = ((parsed.values < EARLIEST) | (parsed.values >= LATEST)).fillna(False)
        far = far.to_numpy(bool) & ~np.asarray(parsed.invalid, bool)
        errors.add(far, _invalid_reason(header, col, "date out of range (1900-2099)", far))
    elif fname in AMOUNT_FIELDS:
        parsed = parse_amounts(col)
        what = "unreadable amount"
        negative = parsed.values < 0
        bad = negative & ~parsed.invalid
        endless = ~np.isfinite(parsed.values.fillna(0).to_numpy(float))
        errors.add(endless, _invalid_reason(header, col, "unreadable amount", endless))
        errors.add(bad, _invalid_reason(header, col, "negative amount", bad))
    elif fname in BOOL_FIELDS:
        parsed = parse_booleans(col)
        what = "not a true/false value"
    else:
        parsed = clean_text(col)
        what = "value too long"
    if parsed.note:
        note = f"{header}: {parsed.note}"
        if note not in match.notes:
            match.notes.append(note)
    errors.add(parsed.invalid, _invalid_reason(header, col, what, parsed.invalid))
    return parsed.values


def _ids(values: pd.Series, *, sfdc: bool) -> pd.Series:
    if not sfdc:
        return values
    uniques = pd.unique(values.dropna())
    lookup = {u: sfdc_id18(str(u)) for u in uniques}
    return values.map(lookup).astype(object).where(values.notna(), None)


def _keys(source: str, values: pd.Series) -> pd.Series:
    return (source + ":" + values.astype(object).where(values.notna(), "")).where(
        values.notna(), None
    )


def _key_list(source: str, values: pd.Series, *, sfdc: bool) -> pd.Series:
    """';'-joined record keys from a list cell like '123;456' or '123, 456'."""

    def one(cell: object) -> object:
        if cell is None or (isinstance(cell, float) and np.isnan(cell)):
            return None
        parts = [p for p in str(cell).replace(",", ";").replace(" ", ";").split(";") if p]
        if sfdc:
            parts = [sfdc_id18(p) for p in parts]
        return ";".join(sorted({f"{source}:{p}" for p in parts})) or None

    return values.astype(object).map(one)


def parse_fields(raw: RawTable, match: Match, tz: str) -> tuple[pd.DataFrame, _Errors]:
    """Every field the match maps, parsed to its type; unmapped fields blank."""
    errors = _Errors(len(raw.frame))
    all_fields = set(match.profile.fields) | set(TARGET_FIELDS[match.profile.target])
    out = {f: _parse_field(raw, match, f, tz, errors) for f in sorted(all_fields)}
    frame = pd.DataFrame(out, index=raw.frame.index)
    if match.first_touch_columns:
        touches = []
        for header in match.first_touch_columns:
            parsed = parse_datetimes(
                raw.frame[header],
                tz=tz,
                excel=raw.excel,
                day_first=match.profile.day_first,
                order=match.dates.get(header),
            )
            errors.add(
                parsed.invalid,
                _invalid_reason(header, raw.frame[header], "unparseable date", parsed.invalid),
            )
            touches.append(parsed.values)
        combined = pd.concat(touches, axis=1).min(axis=1)
        frame["first_touch_at"] = combined.where(
            frame["first_touch_at"].isna(), frame["first_touch_at"]
        ).astype("datetime64[us]")
    sfdc = match.profile.sfdc_ids
    for f in ID_FIELDS:
        if f in frame:
            names = match.profile.names_as_ids and f in NAME_ID_FIELDS
            frame[f] = _ids(frame[f], sfdc=sfdc and not names)
    if "channel" in frame:
        frame["channel"] = normalize_channel(frame["channel"])
    if "record_id" in match.profile.required:
        errors.add(frame["record_id"].isna(), "no id")
    if "created_at" in frame and "created_at" in match.profile.required:
        errors.add(frame["created_at"].isna() & ~errors.bad, "no created date")
    return frame, errors


def _stage_order_errors(frame: pd.DataFrame, errors: _Errors, names: dict[str, str]) -> None:
    cols = [c for c in STAGE_ORDER if c in frame]
    for i, early in enumerate(cols):
        for late in cols[i + 1 :]:
            bad = (frame[late] < frame[early] - ORDER_TOLERANCE).fillna(False).to_numpy(bool)
            if bad.any():
                reason = (
                    f"stage dates out of order: {names.get(late, late)} ("
                    + frame[late].dt.strftime("%Y-%m-%d %H:%M")
                    + f") before {names.get(early, early)} ("
                    + frame[early].dt.strftime("%Y-%m-%d %H:%M")
                    + ")"
                )
                errors.add(bad, reason)
    if "lost_at" in frame:
        bad = (frame["lost_at"] < frame["created_at"] - ORDER_TOLERANCE).fillna(False)
        errors.add(bad.to_numpy(bool), "stage dates out of order: lost date before created date")


def _rep_ids(frame: pd.DataFrame, match: Match) -> pd.Series:
    reps = frame["rep"]
    if match.profile.sfdc_ids and not match.profile.names_as_ids:
        queue = reps.astype(str).str.startswith(SFDC_QUEUE_PREFIX)
        reps = reps.where(~queue, None)
    return reps


def _disqualified(frame: pd.DataFrame) -> pd.Series:
    reason = frame["disqualified_reason"]
    if "status" not in frame:
        return reason
    status = frame["status"].astype(object)
    low = status.fillna("").astype(str).str.casefold()
    flagged = pd.Series(False, index=frame.index)
    for word in DISQUALIFIED_STATUS_WORDS:
        flagged |= low.str.contains(word, regex=False)
    return reason.where(reason.notna() | ~flagged, status)


def _names(match: Match) -> dict[str, str]:
    return {f: f"'{h}'" for f, h in match.columns.items()}


def _lead_records(frame: pd.DataFrame, match: Match, errors: _Errors) -> pd.DataFrame:
    p = match.profile
    src = p.source
    record = frame["record_id"]
    entry = frame["entry_stage"].fillna("lead").astype(str).str.casefold()
    errors.add(~entry.isin(ENTRY_STAGES), "entry_stage must be 'lead', 'mql' or 'opp'")
    _stage_order_errors(frame, errors, _names(match))
    # A record that enters as an MQL (or an opportunity) became one when it was created,
    # unless the file says otherwise.
    mql_at = frame["mql_at"].where(frame["mql_at"].notna() | (entry != "mql"), frame["created_at"])
    opp_at = frame["opp_at"].where(frame["opp_at"].notna() | (entry != "opp"), frame["created_at"])
    lead_values = {
        "lead_campaign_id": frame["campaign"],
        "lead_opp_at": opp_at,
        "lead_won_at": frame["won_at"],
        "lead_lost_at": frame["lost_at"],
        "lead_amount": frame["amount"],
        "lead_won_amount": frame["won_amount"],
    }
    out = pd.DataFrame(
        {
            "journey_id": record if p.key_is_record_id else _keys(src, record),
            "source": src,
            "record_id": record,
            "kind": "lead",
            "entry_stage": entry,
            "created_at": frame["created_at"],
            "rep_id": _rep_ids(frame, match),
            "channel": frame["channel"],
            "segment": frame["segment"],
            "region": frame["region"],
            "company": frame["company"],
            "industry": frame["industry"],
            "mql_at": mql_at,
            "sal_at": frame["sal_at"],
            "sql_at": frame["sql_at"],
            "first_touch_at": frame["first_touch_at"],
            "disqualified_reason": _disqualified(frame),
            **lead_values,
            "converted_opportunity_id": _keys(src, frame["converted_opportunity_id"]),
            "converted_contact_id": _keys(src, frame["converted_contact_id"]),
            "associated_opp_ids": _key_list(src, frame["associated_opp_ids"], sfdc=p.sfdc_ids),
            "is_deleted": frame["is_deleted"],
        },
        index=frame.index,
    )
    return out


def _opportunity_records(frame: pd.DataFrame, match: Match, errors: _Errors) -> pd.DataFrame:
    p = match.profile
    stage = frame["stage"].fillna("").astype(str).str.casefold().str.strip()
    status = frame["status"].fillna("").astype(str).str.casefold().str.strip()
    won_guess = stage.isin(WON_STAGES) | (status == "won")
    lost_guess = stage.isin(LOST_STAGES) | (status == "lost")
    is_won = frame["is_won"].fillna(won_guess).astype(bool)
    closed_guess = is_won | lost_guess | stage.str.startswith("closed")
    is_closed = frame["is_closed"].fillna(closed_guess).astype(bool) | is_won
    close = frame["close_date"]
    close = frame["won_at"].where(is_won & frame["won_at"].notna(), close)
    close = frame["lost_at"].where(~is_won & lost_guess & frame["lost_at"].notna(), close)
    if match.mode != "update":  # an update keeps the stored close date; checked after merging
        errors.add(is_won & close.isna(), "closed won without a close date")
    bad_order = (is_closed & (close < frame["created_at"] - ORDER_TOLERANCE)).fillna(False)
    errors.add(bad_order.to_numpy(bool), "stage dates out of order: close date before created date")
    deleted = frame["is_deleted"].fillna(False).astype(bool) | (status == "deleted")
    canonical = p.format == "canonical"
    leads = frame["associated_lead_ids"]
    return pd.DataFrame(
        {
            "opp_key": _keys(p.source, frame["record_id"]),
            "source": p.source,
            "record_id": frame["record_id"],
            "name": frame["name"],
            "stage": frame["stage"],
            "created_at": frame["created_at"],
            "close_date": close.astype("datetime64[us]"),
            "is_closed": is_closed.astype("int64"),
            "is_won": is_won.astype("int64"),
            "amount": frame["amount"],
            "campaign_id": frame["campaign"],
            "rep_id": _rep_ids(frame, match),
            "channel": frame["channel"],
            "associated_lead_ids": leads
            if canonical
            else _key_list(p.source, leads, sfdc=p.sfdc_ids),
            "is_deleted": deleted,
        },
        index=frame.index,
    )


def _member_records(frame: pd.DataFrame, match: Match, errors: _Errors) -> pd.DataFrame:
    src = match.profile.source
    lead = _keys(src, frame["lead_id"])
    contact = _keys(src, frame["contact_id"])
    errors.add(frame["campaign"].isna(), "no campaign id")
    errors.add(lead.isna() & contact.isna(), "no lead or contact id")
    person = lead.fillna(contact.fillna("")).astype(str)
    fallback = src + ":" + frame["campaign"].fillna("").astype(str) + ":" + person
    key = _keys(src, frame["record_id"]).fillna(fallback)
    return pd.DataFrame(
        {
            "member_key": key,
            "source": src,
            "campaign_id": frame["campaign"],
            "lead_key": lead,
            "contact_key": contact,
            "created_at": frame["created_at"],
            "first_responded_at": frame["first_responded_at"],
            "is_deleted": frame["is_deleted"],
        },
        index=frame.index,
    )


def _campaign_records(frame: pd.DataFrame, match: Match, errors: _Errors) -> pd.DataFrame:
    inverted = (frame["end_date"] < frame["start_date"]).fillna(False)
    errors.add(inverted.to_numpy(bool), "end date before start date")
    return pd.DataFrame(
        {
            "campaign_id": frame["record_id"],
            "source": match.profile.source,
            "name": frame["name"].fillna(frame["record_id"]),
            "channel": frame["channel"],
            "start_date": frame["start_date"],
            "end_date": frame["end_date"],
            "budget": frame["budget"],
            "actual_cost": frame["actual_cost"],
            "is_deleted": frame["is_deleted"],
        },
        index=frame.index,
    )


def _rep_records(frame: pd.DataFrame, match: Match, errors: _Errors) -> pd.DataFrame:
    full = (frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")).str.strip()
    name = frame["name"].fillna(full.where(full != "", None))
    return pd.DataFrame(
        {
            "rep_id": frame["record_id"],
            "source": match.profile.source,
            "name": name,
            "team": frame["team"],
            "region": frame["region"],
            "is_deleted": frame["is_deleted"],
        },
        index=frame.index,
    )


_BUILDERS = {
    "leads": (_lead_records, "journey_id"),
    "opportunities": (_opportunity_records, "opp_key"),
    "members": (_member_records, "member_key"),
    "campaigns": (_campaign_records, "campaign_id"),
    "reps": (_rep_records, "rep_id"),
}
TARGET_TABLES = {
    "leads": "journeys",
    "opportunities": "opportunities",
    "members": "campaign_members",
    "campaigns": "campaigns",
    "reps": "reps",
}


def row_hashes(frame: pd.DataFrame) -> pd.Series:
    """A fingerprint of each row's values, to tell changed rows from unchanged ones."""
    if frame.empty:
        return pd.Series([], dtype="int64", index=frame.index)
    hashed = pd.util.hash_pandas_object(frame, index=False, categorize=True)
    return hashed.astype("int64")


def _dedupe(
    records: pd.DataFrame, key: str, rejections: list[Rejection]
) -> tuple[pd.DataFrame, int]:
    dup = records.duplicated(key, keep=False)
    if not dup.any():
        return records, 0
    sub = records[dup]
    variants = sub.groupby(key, sort=False)[["row_hash", "is_deleted"]].nunique()
    conflicting = set(variants.index[(variants > 1).any(axis=1)])
    drop = pd.Series(False, index=records.index)
    for k, group in sub.groupby(key, sort=False):
        if k in conflicting:
            rows = ", ".join(str(r) for r in group["row_number"])
            for r in group["row_number"]:
                rejections.append(
                    Rejection(int(r), f"duplicate id {k} with conflicting values (rows {rows})")
                )
            drop[group.index] = True
    repeats = records.duplicated(key, keep="first") & ~drop
    kept = records[~drop & ~repeats]
    return kept, int(repeats.sum())


def map_records(raw: RawTable, match: Match, *, tz: str) -> MappedFile:
    """Typed records for the match's target table, with one rejection per unusable row."""
    frame, errors = parse_fields(raw, match, tz)
    builder, key = _BUILDERS[match.profile.target]
    out = builder(frame, match, errors)
    out["is_deleted"] = out["is_deleted"].fillna(False).astype(bool)
    bad = errors.bad
    rejections = [
        Rejection(int(raw.row_numbers[i]), str(errors.reason[i])) for i in np.flatnonzero(bad)
    ]
    good = out[~bad].copy()
    data_columns = [c for c in good.columns if c != "is_deleted"]
    good["row_hash"] = row_hashes(good[data_columns])
    good["row_number"] = np.asarray(raw.row_numbers)[~bad]
    good, duplicates = _dedupe(good, key, rejections)
    rejections.sort(key=lambda r: r.row)
    return MappedFile(
        target=match.profile.target,
        records=good.reset_index(drop=True),
        rejections=rejections,
        duplicates=duplicates,
        notes=list(match.notes),
    )

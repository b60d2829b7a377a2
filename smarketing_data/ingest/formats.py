"""The export formats we recognise (SPEC §5.1): which headers identify them and which
header feeds which canonical field.

Each profile names, per canonical field, the header names it accepts (compared after case
folding and whitespace collapsing), in order of preference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The CLI's --kind words and the record type each feeds.
KIND_ALIASES: dict[str, str] = {
    "journeys": "leads",
    "leads": "leads",
    "contacts": "leads",
    "opportunities": "opportunities",
    "deals": "opportunities",
    "campaigns": "campaigns",
    "campaign_members": "members",
    "campaignmembers": "members",
    "members": "members",
    "users": "reps",
    "reps": "reps",
}
FORMATS = ("salesforce", "hubspot", "pipedrive", "zoho", "canonical")

# Every field each target's builder reads; those a file lacks are blank.
TARGET_FIELDS: dict[str, tuple[str, ...]] = {
    "leads": (
        "record_id",
        "entry_stage",
        "created_at",
        "campaign",
        "rep",
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
        "status",
        "converted_opportunity_id",
        "converted_contact_id",
        "associated_opp_ids",
        "is_deleted",
    ),
    "opportunities": (
        "record_id",
        "name",
        "stage",
        "status",
        "created_at",
        "close_date",
        "won_at",
        "lost_at",
        "is_closed",
        "is_won",
        "amount",
        "campaign",
        "rep",
        "channel",
        "associated_lead_ids",
        "is_deleted",
    ),
    "members": (
        "record_id",
        "campaign",
        "lead_id",
        "contact_id",
        "created_at",
        "first_responded_at",
        "is_deleted",
    ),
    "campaigns": (
        "record_id",
        "name",
        "channel",
        "start_date",
        "end_date",
        "budget",
        "actual_cost",
        "is_deleted",
    ),
    "reps": ("record_id", "name", "first_name", "last_name", "team", "region", "is_deleted"),
}


@dataclass(frozen=True)
class Profile:
    name: str
    format: str
    kind: str  # the word the CRM uses, shown in the import report
    target: str
    source: str  # prefix of the record keys
    fields: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    signature: tuple[str, ...]
    # Alternatives where one of several fields will do (e.g. a member's lead or contact).
    required_any: tuple[tuple[str, ...], ...] = ()
    sfdc_ids: bool = False
    names_as_ids: bool = False  # owners/campaigns given by name (SPEC §3.8)
    day_first: bool = False
    key_is_record_id: bool = False  # canonical: the id column already is the journey key
    dynamic_stage_dates: bool = field(default=True)


def normalize_header(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").split()).casefold()


_SF_LEAD = Profile(
    name="salesforce-lead",
    format="salesforce",
    kind="leads",
    target="leads",
    source="sfdc",
    sfdc_ids=True,
    fields={
        "record_id": ("id",),
        "created_at": ("createddate",),
        "rep": ("ownerid",),
        "channel": ("leadsource",),
        "status": ("status",),
        "company": ("company",),
        "industry": ("industry",),
        "segment": ("segment__c", "segment"),
        "region": ("region__c", "region", "country"),
        "campaign": ("campaignid", "campaign__c", "campaign_id__c"),
        "converted_opportunity_id": ("convertedopportunityid",),
        "converted_contact_id": ("convertedcontactid",),
        "is_deleted": ("isdeleted",),
    },
    required=("record_id", "created_at"),
    signature=(
        "isconverted",
        "convertedopportunityid",
        "convertedcontactid",
        "leadsource",
        "ownerid",
        "status",
        "company",
        "createddate",
        "id",
        "isunreadbyowner",
    ),
)

_SF_OPPORTUNITY = Profile(
    name="salesforce-opportunity",
    format="salesforce",
    kind="opportunities",
    target="opportunities",
    source="sfdc",
    sfdc_ids=True,
    fields={
        "record_id": ("id",),
        "created_at": ("createddate",),
        "close_date": ("closedate",),
        "is_closed": ("isclosed",),
        "is_won": ("iswon",),
        "stage": ("stagename",),
        "amount": ("amount",),
        "campaign": ("campaignid",),
        "rep": ("ownerid",),
        "channel": ("leadsource",),
        "name": ("name",),
        "is_deleted": ("isdeleted",),
    },
    required=("record_id", "created_at"),
    signature=(
        "stagename",
        "isclosed",
        "iswon",
        "closedate",
        "accountid",
        "probability",
        "forecastcategory",
        "amount",
        "createddate",
        "id",
    ),
)

_SF_CAMPAIGN = Profile(
    name="salesforce-campaign",
    format="salesforce",
    kind="campaigns",
    target="campaigns",
    source="sfdc",
    sfdc_ids=True,
    fields={
        "record_id": ("id",),
        "name": ("name",),
        "channel": ("type",),
        "start_date": ("startdate",),
        "end_date": ("enddate",),
        "budget": ("budgetedcost",),
        "actual_cost": ("actualcost",),
        "is_deleted": ("isdeleted",),
    },
    required=("record_id",),
    signature=(
        "budgetedcost",
        "actualcost",
        "startdate",
        "enddate",
        "numberofleads",
        "expectedrevenue",
        "isactive",
        "type",
        "id",
        "name",
    ),
)

_SF_MEMBER = Profile(
    name="salesforce-campaignmember",
    format="salesforce",
    kind="campaign_members",
    target="members",
    source="sfdc",
    sfdc_ids=True,
    fields={
        "record_id": ("id",),
        "campaign": ("campaignid",),
        "lead_id": ("leadid",),
        "contact_id": ("contactid",),
        "created_at": ("createddate",),
        "first_responded_at": ("firstrespondeddate",),
        "is_deleted": ("isdeleted",),
    },
    required=("campaign",),
    required_any=(("lead_id", "contact_id"),),
    signature=(
        "campaignid",
        "leadid",
        "contactid",
        "hasresponded",
        "firstrespondeddate",
        "leadorcontactid",
    ),
)

_SF_USER = Profile(
    name="salesforce-user",
    format="salesforce",
    kind="users",
    target="reps",
    source="sfdc",
    sfdc_ids=True,
    fields={
        "record_id": ("id",),
        "name": ("name",),
        "first_name": ("firstname",),
        "last_name": ("lastname",),
        "team": ("department", "userrole.name", "userrole", "team__c", "title"),
        "region": ("division", "region__c", "region"),
        "is_deleted": ("isdeleted",),
    },
    required=("record_id",),
    required_any=(("name", "last_name"),),
    signature=(
        "username",
        "userroleid",
        "profileid",
        "isactive",
        "department",
        "division",
        "alias",
        "title",
        "email",
        "firstname",
        "lastname",
    ),
)

_SF_LEAD_REPORT = Profile(
    name="salesforce-lead-report",
    format="salesforce",
    kind="leads",
    target="leads",
    source="sfdc",
    sfdc_ids=True,
    names_as_ids=True,
    fields={
        "record_id": ("lead id",),
        "created_at": ("create date", "created date"),
        "rep": ("lead owner", "owner", "owner name"),
        "channel": ("lead source",),
        "status": ("lead status", "status"),
        "company": ("company / account", "company", "account name"),
        "industry": ("industry",),
        "segment": ("segment",),
        "region": ("region", "country"),
        "campaign": ("campaign name", "primary campaign source", "campaign"),
        "converted_opportunity_id": ("opportunity id", "converted opportunity id"),
        "disqualified_reason": ("disqualified reason", "disqualification reason"),
    },
    required=("record_id", "created_at"),
    signature=(
        "lead id",
        "lead owner",
        "lead source",
        "lead status",
        "create date",
        "converted",
        "company / account",
        "campaign name",
        "converted date",
        "opportunity id",
    ),
)

_SF_OPPORTUNITY_REPORT = Profile(
    name="salesforce-opportunity-report",
    format="salesforce",
    kind="opportunities",
    target="opportunities",
    source="sfdc",
    sfdc_ids=True,
    names_as_ids=True,
    fields={
        "record_id": ("opportunity id",),
        "name": ("opportunity name",),
        "stage": ("stage",),
        "created_at": ("created date", "create date"),
        "close_date": ("close date",),
        "amount": ("amount", "amount (converted)"),
        "campaign": ("primary campaign source", "campaign name", "campaign"),
        "rep": ("opportunity owner", "owner", "owner name"),
        "channel": ("lead source",),
        "is_won": ("won",),
        "is_closed": ("closed",),
    },
    required=("record_id", "created_at"),
    signature=(
        "opportunity id",
        "opportunity name",
        "stage",
        "close date",
        "created date",
        "amount",
        "primary campaign source",
        "opportunity owner",
        "won",
        "closed",
        "account name",
        "probability (%)",
        "fiscal period",
    ),
)

_HUBSPOT_CONTACTS = Profile(
    name="hubspot-contacts",
    format="hubspot",
    kind="contacts",
    target="leads",
    source="hubspot",
    names_as_ids=True,
    fields={
        "record_id": ("record id", "contact id", "contact record id"),
        "created_at": ("create date", "created date"),
        "rep": ("contact owner", "hubspot owner"),
        "channel": ("original source", "latest source"),
        "status": ("lead status",),
        "lifecycle_stage": ("lifecycle stage",),
        "company": ("company name", "company", "associated company"),
        "industry": ("industry",),
        "segment": ("segment",),
        "region": ("region", "country/region", "country"),
        "campaign": ("campaign", "utm campaign", "original source drill-down 2"),
        "opp_at": ("became an opportunity date",),
        "won_at": ("became a customer date",),
        "associated_opp_ids": ("associated deal ids", "associated deals", "associated deal"),
        "disqualified_reason": ("disqualification reason", "disqualified reason"),
    },
    required=("record_id", "created_at"),
    signature=(
        "record id",
        "lifecycle stage",
        "contact owner",
        "became a lead date",
        "became a marketing qualified lead date",
        "original source",
        "associated deal ids",
        "email",
        "first name",
        "last name",
        "create date",
    ),
)

_HUBSPOT_DEALS = Profile(
    name="hubspot-deals",
    format="hubspot",
    kind="deals",
    target="opportunities",
    source="hubspot",
    names_as_ids=True,
    fields={
        "record_id": ("record id", "deal id"),
        "name": ("deal name",),
        "stage": ("deal stage",),
        "created_at": ("create date", "created date"),
        "close_date": ("close date",),
        "amount": ("amount", "amount in company currency"),
        "rep": ("deal owner", "hubspot owner"),
        "campaign": ("campaign", "utm campaign", "original source drill-down 2"),
        "channel": ("original source", "original source type"),
        "is_won": ("is closed won",),
        "is_closed": ("is deal closed?", "is closed"),
        "associated_lead_ids": (
            "associated contact ids",
            "associated contacts",
            "associated contact",
        ),
    },
    required=("record_id", "created_at"),
    signature=(
        "record id",
        "deal name",
        "deal stage",
        "pipeline",
        "deal owner",
        "associated contact ids",
        "close date",
        "amount",
        "create date",
    ),
)

_PIPEDRIVE_DEALS = Profile(
    name="pipedrive-deals",
    format="pipedrive",
    kind="deals",
    target="opportunities",
    source="pipedrive",
    names_as_ids=True,
    fields={
        "record_id": ("deal - id",),
        "name": ("deal - title",),
        "amount": ("deal - value",),
        "rep": ("deal - owner",),
        "status": ("deal - status",),
        "stage": ("deal - stage",),
        "created_at": ("deal - deal created", "deal - add time", "deal - created"),
        "won_at": ("deal - won time",),
        "lost_at": ("deal - lost time",),
        "close_date": ("deal - deal closed on", "deal - close time"),
        "channel": ("deal - source channel", "deal - lead source", "deal - source origin"),
        "campaign": ("deal - campaign", "deal - utm campaign"),
    },
    required=("record_id", "created_at"),
    signature=(
        "deal - title",
        "deal - value",
        "deal - owner",
        "deal - status",
        "deal - id",
        "deal - deal created",
        "deal - won time",
        "deal - lost time",
        "deal - stage",
        "deal - pipeline",
    ),
)

_PIPEDRIVE_LEADS = Profile(
    name="pipedrive-leads",
    format="pipedrive",
    kind="leads",
    target="leads",
    source="pipedrive",
    names_as_ids=True,
    fields={
        "record_id": ("lead - id",),
        "created_at": ("lead - lead created", "lead - add time", "lead - created"),
        "rep": ("lead - owner",),
        "channel": ("lead - source", "lead - source channel", "lead - source origin"),
        "company": ("organization - name", "lead - organization"),
        "campaign": ("lead - campaign", "lead - utm campaign"),
        "amount": ("lead - value",),
    },
    required=("record_id", "created_at"),
    signature=(
        "lead - title",
        "lead - owner",
        "lead - id",
        "lead - lead created",
        "lead - source",
        "lead - value",
        "lead - labels",
    ),
)

_ZOHO_LEADS = Profile(
    name="zoho-leads",
    format="zoho",
    kind="leads",
    target="leads",
    source="zoho",
    names_as_ids=True,
    fields={
        "record_id": ("record id", "lead id"),
        "created_at": ("created time",),
        "rep": ("lead owner",),
        "channel": ("lead source",),
        "status": ("lead status",),
        "company": ("company",),
        "industry": ("industry",),
        "region": ("region", "country"),
        "campaign": ("campaign source", "campaign name"),
    },
    required=("record_id", "created_at"),
    signature=(
        "record id",
        "lead owner",
        "lead source",
        "created time",
        "lead status",
        "company",
        "modified time",
        "first name",
        "last name",
        "email",
    ),
)

_ZOHO_DEALS = Profile(
    name="zoho-deals",
    format="zoho",
    kind="deals",
    target="opportunities",
    source="zoho",
    names_as_ids=True,
    fields={
        "record_id": ("record id", "deal id"),
        "name": ("deal name",),
        "stage": ("stage",),
        "amount": ("amount",),
        "close_date": ("closing date",),
        "created_at": ("created time",),
        "rep": ("deal owner",),
        "campaign": ("campaign source",),
        "channel": ("lead source",),
    },
    required=("record_id", "created_at"),
    signature=(
        "record id",
        "deal owner",
        "deal name",
        "stage",
        "amount",
        "closing date",
        "created time",
        "campaign source",
        "contact name",
        "account name",
    ),
)

_ZOHO_CAMPAIGNS = Profile(
    name="zoho-campaigns",
    format="zoho",
    kind="campaigns",
    target="campaigns",
    source="zoho",
    fields={
        "record_id": ("record id", "campaign id"),
        "name": ("campaign name",),
        "channel": ("type",),
        "start_date": ("start date",),
        "end_date": ("end date",),
        "budget": ("budgeted cost",),
        "actual_cost": ("actual cost",),
    },
    required=("record_id", "name"),
    signature=(
        "record id",
        "campaign name",
        "campaign owner",
        "type",
        "start date",
        "end date",
        "budgeted cost",
        "actual cost",
        "expected revenue",
    ),
)

_CANONICAL_JOURNEYS = Profile(
    name="canonical-journeys",
    format="canonical",
    kind="journeys",
    target="leads",
    source="canonical",
    key_is_record_id=True,
    fields={
        "record_id": ("journey_id",),
        "entry_stage": ("entry_stage",),
        "created_at": ("created_at",),
        "campaign": ("campaign_id",),
        "rep": ("rep_id",),
        "channel": ("channel",),
        "segment": ("segment",),
        "region": ("region",),
        "company": ("company",),
        "industry": ("industry",),
        "mql_at": ("mql_at",),
        "sal_at": ("sal_at",),
        "sql_at": ("sql_at",),
        "opp_at": ("opp_at",),
        "won_at": ("won_at",),
        "lost_at": ("lost_at",),
        "first_touch_at": ("first_touch_at",),
        "amount": ("amount",),
        "won_amount": ("won_amount",),
        "disqualified_reason": ("disqualified_reason",),
    },
    required=("record_id", "created_at"),
    signature=(
        "journey_id",
        "created_at",
        "campaign_id",
        "rep_id",
        "mql_at",
        "sal_at",
        "sql_at",
        "opp_at",
        "won_at",
        "won_amount",
        "first_touch_at",
    ),
    dynamic_stage_dates=False,
)

_CANONICAL_OPPORTUNITIES = Profile(
    name="canonical-opportunities",
    format="canonical",
    kind="opportunities",
    target="opportunities",
    source="canonical",
    fields={
        "record_id": ("opportunity_id",),
        "associated_lead_ids": ("journey_id",),
        "name": ("name",),
        "stage": ("stage",),
        "created_at": ("created_at",),
        "close_date": ("close_date",),
        "is_closed": ("is_closed",),
        "is_won": ("is_won",),
        "amount": ("amount",),
        "campaign": ("campaign_id",),
        "rep": ("rep_id",),
        "channel": ("channel",),
    },
    required=("record_id", "created_at"),
    signature=(
        "opportunity_id",
        "journey_id",
        "created_at",
        "close_date",
        "is_won",
        "is_closed",
        "amount",
    ),
    dynamic_stage_dates=False,
)

_CANONICAL_CAMPAIGNS = Profile(
    name="canonical-campaigns",
    format="canonical",
    kind="campaigns",
    target="campaigns",
    source="canonical",
    fields={
        "record_id": ("campaign_id", "id"),
        "name": ("name",),
        "channel": ("channel",),
        "start_date": ("start_date",),
        "end_date": ("end_date",),
        "budget": ("budget",),
        "actual_cost": ("actual_cost",),
    },
    required=("record_id",),
    signature=(
        "campaign_id",
        "id",
        "name",
        "channel",
        "start_date",
        "end_date",
        "budget",
        "actual_cost",
    ),
    dynamic_stage_dates=False,
)

_CANONICAL_REPS = Profile(
    name="canonical-reps",
    format="canonical",
    kind="reps",
    target="reps",
    source="canonical",
    fields={
        "record_id": ("rep_id", "id"),
        "name": ("name",),
        "team": ("team",),
        "region": ("region",),
    },
    required=("record_id",),
    required_any=(("name",),),
    signature=("rep_id", "id", "name", "team", "region"),
    dynamic_stage_dates=False,
)

PROFILES: tuple[Profile, ...] = (
    _SF_LEAD,
    _SF_OPPORTUNITY,
    _SF_CAMPAIGN,
    _SF_MEMBER,
    _SF_USER,
    _SF_LEAD_REPORT,
    _SF_OPPORTUNITY_REPORT,
    _HUBSPOT_CONTACTS,
    _HUBSPOT_DEALS,
    _PIPEDRIVE_DEALS,
    _PIPEDRIVE_LEADS,
    _ZOHO_LEADS,
    _ZOHO_DEALS,
    _ZOHO_CAMPAIGNS,
    _CANONICAL_JOURNEYS,
    _CANONICAL_OPPORTUNITIES,
    _CANONICAL_CAMPAIGNS,
    _CANONICAL_REPS,
)

# --- stage-date and first-touch columns found by the words of their names (SPEC §5.1) -------

_WORD_SPLIT = re.compile(r"[^0-9A-Za-z]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TIME_WORDS = {"date", "time", "at", "on", "datetime", "timestamp"}
_STAGE_WORDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "mql_at": (("mql",), ("marketing", "qualified")),
    "sal_at": (("sal",), ("sales", "accepted")),
    "sql_at": (("sql",), ("sales", "qualified")),
}
_TOUCH_WORDS = {
    "touch",
    "touched",
    "call",
    "email",
    "contact",
    "contacted",
    "response",
    "responded",
    "engagement",
    "outreach",
    "activity",
}
_DISQUALIFY_WORDS = {"disqualified", "disqualification", "unqualified", "disqualify"}


def header_words(name: str) -> list[str]:
    """Words of a column name: split at spaces, punctuation, underscores and case changes."""
    return [w.casefold() for w in _WORD_SPLIT.split(str(name)) if w]


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))


def stage_of_column(name: str) -> str | None:
    """'mql_at', 'sal_at' or 'sql_at' when the column name says it holds that stage's date."""
    words = header_words(name)
    if not _TIME_WORDS.intersection(words):
        return None
    for stage, phrases in _STAGE_WORDS.items():
        if any(_has_phrase(words, phrase) for phrase in phrases):
            return stage
    return None


def is_first_touch_column(name: str) -> bool:
    words = set(header_words(name))
    return (
        "first" in words
        and bool(_TOUCH_WORDS & words)
        and bool(_TIME_WORDS & words)
        and not {"create", "created", "createdate"} & words
    )


def is_disqualified_reason_column(name: str) -> bool:
    words = set(header_words(name))
    return bool(_DISQUALIFY_WORDS & words) and "reason" in words


def profiles_for(format_name: str | None = None, target: str | None = None) -> list[Profile]:
    return [
        p
        for p in PROFILES
        if (format_name in (None, "auto", p.format)) and (target in (None, p.target))
    ]

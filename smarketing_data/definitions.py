"""What Sales and Marketing agree on (SPEC §1, §4.3, §9 page 5): the written stage definitions,
versioned and signed off by one Sales owner and one Marketing owner, and the goal tables
shown beside them.

A stage's current definition is its latest saved version; a stage nobody has written about
yet shows a built-in default as version 0. Proposing a new version resets both sign-offs; a
version is *agreed* once both sides have signed it, by two different people. Signing a stage
that still shows its built-in default first records that text as version 1 (with no author),
so that what was signed is kept word for word.

Authors and signers are the signed-in identities the caller passes (SPEC §8), compared
without regard to case or surrounding spaces (e-mail addresses are case-insensitive); every
proposal and sign-off is also written to the change history.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, Engine, Row, and_, func, insert, select, update

from smarketing_data import audit, schema
from smarketing_data.db import bump_data_version, read_frame, write_transaction
from smarketing_data.metrics.goals import ADJACENT, DEFAULT_GOALS, Goals, goal_percent
from smarketing_data.stages import STAGE_LABELS, STAGES

D = schema.definitions

SIDES = ("sales", "marketing")
SIDE_LABELS = {"sales": "Sales", "marketing": "Marketing"}
# The names and authors fit the schema's String(255) columns; a definition is a paragraph,
# and a cap keeps a pasted document from ending up on every page.
MAX_NAME = 255
MAX_TEXT = 4_000

# Built-in starting points, in the wording B2B teams commonly use; replaced by the first
# version the two teams write.
DEFAULT_TEXTS: dict[str, str] = {
    "lead": (
        "A person who gave us their contact details with a business email (form fill, event "
        "badge scan, content download, chat, or a list import with consent) and is not an "
        "existing customer, competitor or student."
    ),
    "mql": (
        "A lead that reached the agreed lead score, or engaged with a high-intent offer (demo "
        "request, pricing page visit, webinar attended, contact-sales form), and fits the "
        "ideal customer profile (target industry, company size and region, a role that buys "
        "or influences the purchase)."
    ),
    "sal": (
        "An MQL that an inside-sales rep has accepted within the follow-up SLA: the contact "
        "data is valid, it is not a duplicate, and the rep commits to working it (first call "
        "or email logged)."
    ),
    "sql": (
        "A SAL that the rep qualified in a conversation: a confirmed business problem we "
        "solve, a person with authority or a path to the decision maker, budget in range, and "
        "a buying time frame of six months or less. A meeting with an account executive is "
        "booked."
    ),
    "opp": (
        "An SQL the account executive accepted after the discovery meeting and created as an "
        "opportunity in the CRM with an amount, a close date and a next step agreed with the "
        "prospect."
    ),
    "won": (
        "An opportunity with a signed order form or contract, booked in the CRM as Closed Won "
        "with its final amount."
    ),
}

# The goals between non-adjacent stages the reports use (SPEC §4.2): the rep reports from
# the MQL base, and lead-to-customer for the funnel.
REPORT_PAIRS: tuple[tuple[str, str], ...] = (
    ("mql", "sql"),
    ("mql", "opp"),
    ("mql", "won"),
    ("lead", "won"),
)
PAIR_USES: dict[tuple[str, str], str] = {
    ("lead", "mql"): "Funnel",
    ("mql", "sal"): "Funnel",
    ("sal", "sql"): "Funnel",
    ("sql", "opp"): "Funnel; campaigns by Opps (expected at goal)",
    ("opp", "won"): "Funnel; campaigns by Closed Won (expected at goal)",
    ("mql", "sql"): "Campaigns by SQLs (expected at goal); reps by conversion to SQL",
    ("mql", "opp"): "Reps by conversion to Opp",
    ("mql", "won"): "Reps by conversion to Closed Won",
    ("lead", "won"): "Funnel (lead to customer); reps by Closed Won from the Lead base",
}
SOURCE_DEFAULT = "default"
SOURCE_ALL = "set for every quarter"
SOURCE_QUARTER = "set for this quarter"
SOURCE_PRODUCT = "product of adjacent goals"

_COLUMNS = [
    "version",
    "text",
    "created_at",
    "created_by",
    "sales_signoff_by",
    "sales_signoff_at",
    "marketing_signoff_by",
    "marketing_signoff_at",
]


class DefinitionError(ValueError):
    """A definition or sign-off that cannot be stored; str(exc) is one line for the user."""


def stage_key(stage: str) -> str:
    """The stage key ('mql') for a key or a label ('MQL', 'Closed Won'), any case."""
    wanted = str(stage).strip().casefold()
    for key in STAGES:
        if wanted in (key, STAGE_LABELS[key].casefold()):
            return key
    labels = ", ".join(STAGE_LABELS[s] for s in STAGES)
    raise DefinitionError(f"unknown stage {stage!r}; use one of {labels}")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _clean_name(value: str | None, what: str) -> str:
    name = (value or "").strip()
    if not name:
        raise DefinitionError(f"{what} is required")
    if len(name) > MAX_NAME:
        raise DefinitionError(f"{what} is longer than {MAX_NAME} characters")
    return name


def _status(row: pd.Series) -> str:
    sales, marketing = pd.notna(row["sales_signoff_by"]), pd.notna(row["marketing_signoff_by"])
    if sales and marketing:
        return "agreed"
    if row["version"] == 0:
        return "not yet agreed (built-in default)"
    if sales:
        return "not yet agreed: awaiting Marketing sign-off"
    if marketing:
        return "not yet agreed: awaiting Sales sign-off"
    return "not yet agreed: awaiting Sales and Marketing sign-off"


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("created_at", "sales_signoff_at", "marketing_signoff_at"):
        frame[column] = pd.to_datetime(frame[column])
    frame["version"] = frame["version"].astype("int64")
    frame["agreed"] = frame["sales_signoff_by"].notna() & frame["marketing_signoff_by"].notna()
    frame["status"] = [_status(row) for _, row in frame.iterrows()] if len(frame) else []
    return frame


def current_definitions(engine: Engine) -> pd.DataFrame:
    """The definition in force for each of the six stages, in funnel order.

    Columns: stage, label, version (0 = built-in default, never saved), text, created_at,
    created_by, sales_signoff_by, sales_signoff_at, marketing_signoff_by,
    marketing_signoff_at, agreed (both sides signed this version), status (one line:
    'agreed' or 'not yet agreed…').
    """
    latest = (
        select(D.c.stage, func.max(D.c.version).label("version")).group_by(D.c.stage).subquery()
    )
    stmt = (
        select(D.c.stage, *[D.c[c] for c in _COLUMNS])
        .select_from(
            D.join(latest, and_(D.c.stage == latest.c.stage, D.c.version == latest.c.version))
        )
        .order_by(D.c.definition_id)
    )
    saved = {row["stage"]: row for _, row in read_frame(engine, stmt).iterrows()}
    rows = []
    for stage in STAGES:
        if stage in saved:  # with two rows for one version, the later insert wins
            rows.append({"stage": stage, **{c: saved[stage][c] for c in _COLUMNS}})
        else:
            rows.append(
                {
                    "stage": stage,
                    "version": 0,
                    "text": DEFAULT_TEXTS[stage],
                    **dict.fromkeys(_COLUMNS[2:]),
                }
            )
    frame = pd.DataFrame(rows, columns=["stage", *_COLUMNS])
    frame.insert(1, "label", frame["stage"].map(STAGE_LABELS))
    return _finish(frame)


def definition_history(engine: Engine, *, stage: str) -> pd.DataFrame:
    """Every saved version of one stage's definition, newest first (empty when the stage
    still shows its built-in default).

    Columns: version, text, created_at, created_by, sales_signoff_by, sales_signoff_at,
    marketing_signoff_by, marketing_signoff_at, agreed, status.
    """
    key = stage_key(stage)
    stmt = (
        select(*[D.c[c] for c in _COLUMNS])
        .where(D.c.stage == key)
        .order_by(D.c.version.desc(), D.c.definition_id.desc())
    )
    return _finish(read_frame(engine, stmt))


def _latest(conn: Connection, stage: str) -> Row | None:
    stmt = (
        select(D)
        .where(D.c.stage == stage)
        .order_by(D.c.version.desc(), D.c.definition_id.desc())
        .limit(1)
    )
    return conn.execute(stmt).first()


def propose_definition(engine: Engine, *, stage: str, text: str, author: str) -> int:
    """Save a new version of a stage's definition, unsigned; returns its version number.

    Both sign-offs start empty: the new wording has to be agreed again.
    """
    key = stage_key(stage)
    body = (text or "").strip()
    if not body:
        raise DefinitionError("the definition text is empty")
    if len(body) > MAX_TEXT:
        raise DefinitionError(f"the definition is longer than {MAX_TEXT:,} characters")
    name = _clean_name(author, "the author's name")
    with write_transaction(engine) as conn:
        latest = _latest(conn, key)
        if latest is not None and latest.text == body:
            raise DefinitionError(
                f"this is the text of version {latest.version} already; "
                "change the wording to propose a new version"
            )
        version = 1 if latest is None else int(latest.version) + 1
        conn.execute(
            insert(D).values(
                stage=key, version=version, text=body, created_at=_now(), created_by=name
            )
        )
        audit.record(
            conn,
            who=name,
            kind="definition",
            item=STAGE_LABELS[key],
            action="proposed",
            summary=f"version {version}: {audit.shorten(body)}",
        )
        bump_data_version(conn)
    return version


def sign_off(engine: Engine, *, stage: str, side: str, name: str) -> None:
    """Sign the latest version of a stage's definition for Sales or for Marketing, as
    ``name`` (the signed-in identity).

    One person cannot sign for both sides, and a side that signed this version cannot sign
    it again (a new version resets the sign-offs).
    """
    key = stage_key(stage)
    if side not in SIDES:
        raise DefinitionError(f"unknown side {side!r}; use sales or marketing")
    signer = _clean_name(name, "the name of who signs off")
    with write_transaction(engine) as conn:
        latest = _latest(conn, key) or _record_default(conn, key)
        _check_signer(latest, key, side, signer)
        conn.execute(
            update(D)
            .where(D.c.definition_id == latest.definition_id)
            .values({f"{side}_signoff_by": signer, f"{side}_signoff_at": _now()})
        )
        audit.record(
            conn,
            who=signer,
            kind="definition",
            item=STAGE_LABELS[key],
            action="signed off",
            summary=f"version {latest.version} for {SIDE_LABELS[side]}",
        )
        bump_data_version(conn)


def _record_default(conn: Connection, stage: str) -> Row:
    """The built-in default saved as version 1 (no author), so that what is signed is kept."""
    conn.execute(
        insert(D).values(
            stage=stage, version=1, text=DEFAULT_TEXTS[stage], created_at=_now(), created_by=None
        )
    )
    saved = _latest(conn, stage)
    assert saved is not None
    return saved


def _check_signer(latest: Row, stage: str, side: str, signer: str) -> None:
    """Refuse a second sign-off for one side, and one person signing for both sides."""
    done_by = getattr(latest, f"{side}_signoff_by")
    if done_by is not None:
        raise DefinitionError(
            f"{SIDE_LABELS[side]} already signed version "
            f"{latest.version} of {STAGE_LABELS[stage]} ({done_by})"
        )
    other = SIDES[1 - SIDES.index(side)]
    other_by = getattr(latest, f"{other}_signoff_by")
    if audit.same_person(other_by, signer):
        raise DefinitionError(
            f"{signer} already signed version {latest.version} for {SIDE_LABELS[other]}; "
            f"the {SIDE_LABELS[side]} sign-off needs someone else (one person cannot sign "
            "for both sides)"
        )


# --- goal tables -----------------------------------------------------------------------------


def _arrow(from_stage: str, to_stage: str) -> str:
    return f"{STAGE_LABELS[from_stage]}→{STAGE_LABELS[to_stage]}"


def goal_table(goals: Goals) -> pd.DataFrame:
    """The five adjacent goals in force for the goals' quarter and where each comes from.

    Columns: key ('mql_sal'), from_stage, to_stage, transition ('MQL→SAL'), rate, goal
    ('60%'), default_rate, source ('default' | 'set for every quarter' | 'set for this
    quarter'), used_by.
    """
    rows = []
    for a, b in ADJACENT:
        pair = (a, b)
        if pair in goals.set_for_quarter:
            source = SOURCE_QUARTER
        elif pair in goals.set_for_all:
            source = SOURCE_ALL
        else:
            source = SOURCE_DEFAULT
        rate = goals.adjacent(a, b)
        rows.append(
            {
                "key": f"{a}_{b}",
                "from_stage": a,
                "to_stage": b,
                "transition": _arrow(a, b),
                "rate": rate,
                "goal": goal_percent(rate),
                "default_rate": DEFAULT_GOALS[pair],
                "source": source,
                "used_by": PAIR_USES[pair],
            }
        )
    return pd.DataFrame(rows)


def pair_goal_table(goals: Goals) -> pd.DataFrame:
    """The goals between non-adjacent stages as the reports will use them: the report pairs
    and any pair someone set explicitly, in funnel order.

    Columns: key ('mql_won'), from_stage, to_stage, transition, rate, goal, source
    ('product of adjacent goals' | 'set for every quarter' | 'set for this quarter'), how
    (the product spelled out, or 'explicit goal'), used_by.
    """
    explicit = set(goals.set_for_quarter) | set(goals.set_for_all)
    pairs = set(REPORT_PAIRS) | {p for p in explicit if p not in ADJACENT}
    rows = []
    for a, b in sorted(pairs, key=lambda p: (STAGES.index(p[0]), STAGES.index(p[1]))):
        if (a, b) in goals.set_for_quarter:
            source, how = SOURCE_QUARTER, "explicit goal"
        elif (a, b) in goals.set_for_all:
            source, how = SOURCE_ALL, "explicit goal"
        else:
            i, j = STAGES.index(a), STAGES.index(b)
            steps = [_arrow(STAGES[k], STAGES[k + 1]) for k in range(i, j)]
            source, how = SOURCE_PRODUCT, " × ".join(steps)
        rate = goals.rate(a, b)
        rows.append(
            {
                "key": f"{a}_{b}",
                "from_stage": a,
                "to_stage": b,
                "transition": _arrow(a, b),
                "rate": rate,
                "goal": goal_percent(rate),
                "source": source,
                "how": how,
                "used_by": PAIR_USES.get((a, b), ""),
            }
        )
    return pd.DataFrame(rows)

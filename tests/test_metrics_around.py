"""SPEC §4.4 around the reports: referral program, velocity, follow-up, campaign spend and the
campaign/rep drill-down, each on a small fixture whose numbers are worked out by hand below.

Every quarter here is 2026-Q2 = [2026-04-01, 2026-07-01) unless said otherwise.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from helpers import JOURNEY_COLUMNS
from smarketing_data.config import Settings
from smarketing_data.ingest import FileInput, ingest
from smarketing_data.metrics import referral
from smarketing_data.metrics.drill import (
    campaign_funnel_by_quarter,
    journeys_page,
    rep_funnel_by_quarter,
)
from smarketing_data.metrics.followup import NO_FIRST_TOUCH_MESSAGE, followup_summary
from smarketing_data.metrics.quarters import parse_quarter
from smarketing_data.metrics.referral import referral_comparison
from smarketing_data.metrics.spend import campaign_spend
from smarketing_data.metrics.velocity import (
    MIN_FASTEST,
    TRAIT_COLUMNS,
    fastest_customers,
    stage_velocity,
    trait_table,
    traits,
)

Q2 = parse_quarter("2026-Q2")
CAMPAIGN_HEADER = "campaign_id,name,channel,start_date,end_date,budget,actual_cost"
REP_HEADER = "rep_id,name,team,region"


def j(journey_id: str, created_at: str, **fields: str) -> dict[str, str]:
    return {"journey_id": journey_id, "created_at": created_at, **fields}


def put(engine, journeys: list[dict[str, str]], campaigns: str = "", reps: str = ""):  # type: ignore[no-untyped-def]
    """Import journeys (canonical CSV) plus optional campaign and rep CSV bodies."""
    lines = [",".join(JOURNEY_COLUMNS)]
    lines += [",".join(row.get(c, "") for c in JOURNEY_COLUMNS) for row in journeys]
    files = [FileInput("journeys.csv", ("\n".join(lines) + "\n").encode())]
    if campaigns:
        files.append(FileInput("campaigns.csv", f"{CAMPAIGN_HEADER}\n{campaigns}".encode()))
    if reps:
        files.append(FileInput("reps.csv", f"{REP_HEADER}\n{reps}".encode()))
    result = ingest(engine, files, Settings())
    assert [f.rejected for f in result.files] == [0] * len(files)


def wilson_by_hand(k: int, n: int) -> tuple[float, float]:
    """(p + z²/2n ∓ z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n), z = 1.96."""
    z, p = 1.96, k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (
        round((centre - half) / (1 + z * z / n), 6),
        round((centre + half) / (1 + z * z / n), 6),
    )


# --- referral ---------------------------------------------------------------------------------


def test_referral_against_all_other_leads_of_the_quarter(any_engine, monkeypatch):  # type: ignore[no-untyped-def]
    # Lead cohort of Q2 = journeys created in Q2 with entry stage Lead.
    # Referral: r1 (channel), r2 (channel, non-referral campaign), r3, r4 (via cref's channel)
    #   -> cohort 4, won 2 (r1 won in Q3 still counts: as of the data loaded) -> 0.5
    # All other: o1..o6 -> cohort 6, won 2 (o1, o6) -> 1/3
    # Not in it: x1 (created in Q1), x2 (entry stage Opp: never a lead).
    # lift = 0.5 / (1/3) = 1.5
    # Wilson 2/4 = (0.150036, 0.849964); 2/6 = (0.096769, 0.700012)
    put(
        any_engine,
        [
            j("r1", "2026-04-01", channel="Referral", won_at="2026-08-01"),
            j("r2", "2026-04-02", channel="Referral", campaign_id="cweb"),
            j("r3", "2026-04-03", channel="Email", campaign_id="cref", won_at="2026-05-01"),
            j("r4", "2026-06-30 23:59", channel="Email", campaign_id="cref"),
            j("o1", "2026-04-01", channel="Email", campaign_id="cweb", won_at="2026-06-01"),
            j("o2", "2026-04-01", channel="Email", campaign_id="cweb"),
            j("o3", "2026-04-05", channel="Webinar"),
            j("o4", "2026-05-05", channel="Webinar", campaign_id="cweb"),
            j("o5", "2026-05-06", channel="Other"),
            j("o6", "2026-06-06", channel="Email", won_at="2026-06-20"),
            j("x1", "2026-03-31", channel="Referral", won_at="2026-04-20"),
            j(
                "x2",
                "2026-04-10",
                entry_stage="opp",
                channel="Referral",
                opp_at="2026-04-10",
                won_at="2026-04-30",
            ),
        ],
        campaigns="cref,Refer a friend,Referral,2026-01-01,,,\n"
        "cweb,Spring webinar,Webinar,2026-04-01,2026-04-30,,\n",
    )

    got = referral_comparison(any_engine, quarter=Q2)

    assert got.to_dict("records") == [
        dict(
            group="Referral",
            cohort=4,
            won=2,
            rate=0.5,
            ci_low=0.150036,
            ci_high=0.849964,
            lift=None,
        ),
        dict(
            group="All other",
            cohort=6,
            won=2,
            rate=0.333333,
            ci_low=0.096769,
            ci_high=0.700012,
            lift=None,
        ),
    ]
    assert (got.loc[0, "ci_low"], got.loc[0, "ci_high"]) == wilson_by_hand(2, 4)
    assert (got.loc[1, "ci_low"], got.loc[1, "ci_high"]) == wilson_by_hand(2, 6)
    # 4 and 6 leads are under the minimum for a lift; at a minimum of 4 it is 50% / 33.3%
    monkeypatch.setattr(referral, "MIN_LIFT_COHORT", 4)
    assert referral_comparison(any_engine, quarter=Q2)["lift"].tolist()[0] == 1.5
    monkeypatch.setattr(referral, "MIN_LIFT_COHORT", 5)  # the Referral group has 4
    assert referral_comparison(any_engine, quarter=Q2)["lift"].isna().all()


def test_referral_with_no_leads_has_no_rates(engine):
    got = referral_comparison(engine, quarter=Q2)
    assert got[["cohort", "won", "ci_low", "ci_high"]].values.tolist() == [[0, 0, 0.0, 1.0]] * 2
    assert got["rate"].isna().all() and got["lift"].isna().all()


# --- velocity ---------------------------------------------------------------------------------

VELOCITY_JOURNEYS = [
    # id        created        mql             sal             sql          opp          won
    j(
        "v1",
        "2026-04-01",
        mql_at="2026-04-02",
        sal_at="2026-04-04",
        sql_at="2026-04-08",
        opp_at="2026-04-16",
        won_at="2026-05-16",
    ),  # 1, 2, 4, 8, 30 days
    # SAL skipped: its reached date (04-10) is inferred from SQL and must not be used.
    j(
        "v2", "2026-04-01", mql_at="2026-04-04", sql_at="2026-04-10", opp_at="2026-04-20 12:00"
    ),  # lead->mql 3, sql->opp 10.5
    j("v3", "2026-03-20", mql_at="2026-04-10", sal_at="2026-04-11"),  # 21, 1 (created in Q1)
    j("v4", "2026-04-05", mql_at="2026-04-05 12:00", sal_at="2026-04-08 12:00"),  # 0.5, 3
    j("v5", "2026-06-20", mql_at="2026-07-02", sal_at="2026-07-03"),  # MQL in Q3: out
    # MQL skipped: in the MQL cohort by its inferred date (04-05), but has no own MQL date.
    j("v6", "2026-04-01", sal_at="2026-04-05"),
]


def test_stage_velocity_uses_own_dates_only(engine):
    # MQL cohort of Q2: v1, v2, v3, v4, v6.
    # lead->mql: 0.5, 1, 3, 21 -> median 2, p75 at rank 2.25: 3 + 0.25 * 18 = 7.5
    # mql->sal:  1, 2, 3       -> median 2, p75 at rank 1.5: 2.5
    # sal->sql:  4             -> 4, 4
    # sql->opp:  8, 10.5       -> median 9.25, p75 at rank 0.75: 8 + 0.75 * 2.5 = 9.875
    # opp->won:  30            -> 30, 30
    put(engine, VELOCITY_JOURNEYS)
    got = stage_velocity(engine, quarter=Q2)
    assert got.values.tolist() == [
        ["lead", "mql", 4, 2.0, 7.5],
        ["mql", "sal", 3, 2.0, 2.5],
        ["sal", "sql", 1, 4.0, 4.0],
        ["sql", "opp", 2, 9.25, 9.875],
        ["opp", "won", 1, 30.0, 30.0],
    ]
    # Lead cohort of Q2 (created in Q2): v1, v2, v4, v5, v6; lead->mql 1, 3, 0.5, 12
    # -> median 2, p75 at rank 2.25: 3 + 0.25 * 9 = 5.25
    by_lead = stage_velocity(engine, quarter=Q2, base="lead")
    assert by_lead.iloc[0].tolist() == ["lead", "mql", 4, 2.0, 5.25]
    with pytest.raises(ValueError, match="base"):
        stage_velocity(engine, quarter=Q2, base="sql")


def test_fastest_customers_quartile_and_traits(engine):
    # Won in Q2 (days created -> won): w1 2, w7 2 (tie: by id), w3 4 (opp entry), w5 15,
    # w2 32, w4 89, w6 171; x1 (won in Q1) and x2 (won in Q3) are out. n = 7.
    # Fastest quartile: ceil(7/4) = 2 -> w1, w7.
    # Traits (fastest share of 2 / share of all 7 / lift):
    #   channel  Email 1/2 vs 3/7 (w1 w4 w5) = 7/6; Webinar 1/2 vs 3/7 (w2 w6 w7) = 7/6
    #   campaign Alpha 2/2 vs 3/7 (w1 w4 w7) = 7/3
    #   segment  SMB 2/2 vs 4/7 (w1 w3 w5 w7) = 1.75
    #   region   EMEA 1/2 vs 3/7 (w2 w3 w7) = 7/6; NA 1/2 vs 4/7 (w1 w4 w5 w6) = 0.875
    #   rep      (unassigned) 1/2 vs 2/7 (w4 w7) = 1.75; Ann 1/2 vs 3/7 (w1 w3 w6) = 7/6
    put(
        engine,
        [
            j(
                "w1",
                "2026-04-01",
                channel="Email",
                campaign_id="ca",
                segment="SMB",
                region="NA",
                rep_id="r1",
                won_at="2026-04-03",
                won_amount="100",
                company="One",
            ),
            j(
                "w2",
                "2026-03-01",
                channel="Webinar",
                campaign_id="cb",
                segment="ENT",
                region="EMEA",
                rep_id="r2",
                won_at="2026-04-02",
            ),
            j(
                "w3",
                "2026-04-10",
                entry_stage="opp",
                channel="Referral",
                segment="SMB",
                region="EMEA",
                rep_id="r1",
                opp_at="2026-04-10",
                won_at="2026-04-14",
            ),
            j(
                "w4",
                "2026-02-01",
                channel="Email",
                campaign_id="ca",
                segment="ENT",
                region="NA",
                won_at="2026-05-01",
            ),
            j(
                "w5",
                "2026-04-20",
                channel="Email",
                campaign_id="cb",
                segment="SMB",
                region="NA",
                rep_id="r2",
                won_at="2026-05-05",
            ),
            j(
                "w6",
                "2026-01-10",
                channel="Webinar",
                segment="ENT",
                region="NA",
                rep_id="r1",
                won_at="2026-06-30",
            ),
            j(
                "w7",
                "2026-05-01",
                channel="Webinar",
                campaign_id="ca",
                segment="SMB",
                region="EMEA",
                won_at="2026-05-03",
            ),
            j("x1", "2026-03-01", channel="Email", won_at="2026-03-02"),
            j("x2", "2026-06-01", channel="Email", won_at="2026-07-01"),
        ],
        campaigns="ca,Alpha,Email,,,,\ncb,Beta,Webinar,,,,\n",
        reps="r1,Ann,Inside,NA\nr2,Bob,Inside,EMEA\n",
    )

    got = fastest_customers(engine, quarter=Q2)

    assert got.journeys[["journey_id", "days_to_win"]].values.tolist() == [
        ["w1", 2.0],
        ["w7", 2.0],
        ["w3", 4.0],
        ["w5", 15.0],
        ["w2", 32.0],
        ["w4", 89.0],
        ["w6", 171.0],
    ]
    first = got.journeys.iloc[0]
    assert (first["campaign_name"], first["rep_name"], first["won_amount"], first["company"]) == (
        "Alpha",
        "Ann",
        100.0,
        "One",
    )
    assert got.fastest["journey_id"].tolist() == ["w1", "w7"]
    # Two fastest wins are far under MIN_FASTEST: nothing is said about what they share.
    assert got.traits.empty
    assert got.note == (
        "Too few won deals this quarter to say what the fastest share (at "
        "least 29 are needed, for 8 in the fastest quartile; 7 were won)."
    )
    # The computation itself, before the minimum: every value of the two fastest, its counts
    # of 2 and of 7, and the Wilson interval of 1/2 (0.094529–0.905471) or 2/2 (0.342372–1).
    half, whole = wilson_by_hand(1, 2), (wilson_by_hand(2, 2)[0], 1.0)
    assert traits(got.fastest, got.journeys)[
        [
            "dimension",
            "value",
            "fastest_share",
            "all_share",
            "lift",
            "fastest_count",
            "all_count",
            "fastest_size",
            "all_size",
            "fastest_ci_low",
            "fastest_ci_high",
        ]
    ].values.tolist() == [
        ["channel", "Email", 0.5, 0.428571, 1.166667, 1, 3, 2, 7, *half],
        ["channel", "Webinar", 0.5, 0.428571, 1.166667, 1, 3, 2, 7, *half],
        ["campaign", "Alpha", 1.0, 0.428571, 2.333333, 2, 3, 2, 7, *whole],
        ["segment", "SMB", 1.0, 0.571429, 1.75, 2, 4, 2, 7, *whole],
        ["region", "EMEA", 0.5, 0.428571, 1.166667, 1, 3, 2, 7, *half],
        ["region", "NA", 0.5, 0.571429, 0.875, 1, 4, 2, 7, *half],
        ["rep", "(unassigned)", 0.5, 0.285714, 1.75, 1, 2, 2, 7, *half],
        ["rep", "Ann", 0.5, 0.428571, 1.166667, 1, 3, 2, 7, *half],
    ]
    assert half == (0.094529, 0.905471) and whole == (0.342372, 1.0)


def won_deals(n: int, fastest_channels: list[str], rest: list[str]) -> list[dict[str, str]]:
    """n deals won in Q2, w00 fastest (1 day to win), w01 next (2 days) and so on; the first
    ones' channels from fastest_channels, the others cycling through rest."""
    channels = fastest_channels + [rest[i % len(rest)] for i in range(n - len(fastest_channels))]
    return [
        j(
            f"w{i:02d}",
            "2026-04-01",
            channel=channel,
            segment="SMB",
            region="NA",
            won_at=str(dt.date(2026, 4, 2) + dt.timedelta(days=i)),
        )
        for i, channel in enumerate(channels)
    ]


def test_fastest_traits_carry_counts_and_intervals_over_the_minimum(engine):
    # 32 won: the fastest quartile is ceil(32/4) = 8 = MIN_FASTEST, w00..w07.
    # Its channels: Email 5 (w00–w04), Webinar 2, Referral 1. The other 24 cycle Email,
    # Webinar, Referral: 8 each, so all wins: Email 13, Webinar 10, Referral 9 of 32.
    # Email: 5/8 = 0.625 against 13/32 = 0.40625, lift 1.538462; Wilson 95% of 5/8:
    #   centre (0.625 + 3.8416/16) / (1 + 3.8416/8) = 0.584448,
    #   half 1.96 × sqrt(0.625 × 0.375 / 8 + 3.8416 / 256) / 1.4802 = 0.278710
    #   -> 0.305738–0.863158.
    # Webinar (2 of 8) and Referral (1 of 8) are under MIN_TRAIT = 3: not shown. Segment SMB,
    # region NA, no campaign and no rep: all 8 of 8 against 32 of 32, lift 1; the interval
    # of 8/8 is 8 / (8 + 3.8416) = 0.675584 to 1.
    put(
        engine,
        won_deals(
            32, ["Email"] * 5 + ["Webinar"] * 2 + ["Referral"], ["Email", "Webinar", "Referral"]
        ),
    )
    got = fastest_customers(engine, quarter=Q2)
    assert len(got.journeys) == 32 and len(got.fastest) == MIN_FASTEST == 8
    assert got.note == ""
    assert wilson_by_hand(5, 8) == (0.305738, 0.863158)
    assert got.traits[
        [
            "dimension",
            "value",
            "fastest_count",
            "fastest_size",
            "fastest_share",
            "fastest_ci_low",
            "fastest_ci_high",
            "all_count",
            "all_size",
            "all_share",
            "lift",
        ]
    ].values.tolist() == [
        ["channel", "Email", 5, 8, 0.625, 0.305738, 0.863158, 13, 32, 0.40625, 1.538462],
        ["campaign", "(no campaign)", 8, 8, 1.0, 0.675584, 1.0, 32, 32, 1.0, 1.0],
        ["segment", "SMB", 8, 8, 1.0, 0.675584, 1.0, 32, 32, 1.0, 1.0],
        ["region", "NA", 8, 8, 1.0, 0.675584, 1.0, 32, 32, 1.0, 1.0],
        ["rep", "(unassigned)", 8, 8, 1.0, 0.675584, 1.0, 32, 32, 1.0, 1.0],
    ]
    assert trait_table(got.traits).iloc[0].tolist() == [
        "Channel: Email",
        "5 of 8",
        "62% (31%–86%)",
        "13 of 32",
        "41%",
        "1.5×",
    ]


def test_fastest_traits_need_eight_in_the_fastest_quartile(engine):
    # 28 won: the quartile holds ceil(28/4) = 7, one under MIN_FASTEST, though Email is 5 of
    # them: no trait is shown, and the note says how many were won.
    put(engine, won_deals(28, ["Email"] * 7, ["Webinar"]))
    got = fastest_customers(engine, quarter=Q2)
    assert len(got.fastest) == 7
    assert got.traits.empty and list(got.traits.columns) == TRAIT_COLUMNS
    assert got.note == (
        "Too few won deals this quarter to say what the fastest share (at "
        "least 29 are needed, for 8 in the fastest quartile; 28 were won)."
    )
    assert len(traits(got.fastest, got.journeys)) == 5  # computed, but not shown


# --- follow-up --------------------------------------------------------------------------------


def test_followup_within_late_never_open_and_per_rep(engine):
    # SLA 24 h, as of 2026-07-01 00:00. MQLs of Q2 (by reached MQL date): f1..f8.
    #   f1 r1 touch +1 h        within; reached SAL        -> not open
    #   f2 r1 touch +24 h       within (exactly the SLA)   -> open, age 89.625 (04-02 09:00)
    #   f3 r1 touch +48 h       late;   disqualified       -> not open
    #   f4 r2 touch 12 h before within                     -> open, age 82
    #   f5 -- no touch          never                      -> open, age 61
    #   f6 r2 no touch          never;  lost               -> not open
    #   f7 -- no touch          never                      -> open, age 1
    #   f8 r2 MQL skipped: reached MQL 04-20 (the SAL date), touch +6 h: within; not open
    # totals: within 4/8 = 0.5, late 1/8 = 0.125, never 3/8 = 0.375
    # Ann (r1): 3 MQLs, 2 within, 1 late, share 2/3, open 1 (89.625)
    # Bob (r2): 3 MQLs, 2 within, 1 never, share 2/3, open 1 (82)
    # (unassigned): 2 MQLs, 2 never, share 0, open 2, median age (61 + 1) / 2 = 31
    # Wilson 2/3 = (0.207655, 0.93851); 0/2 = (0, 0.657628)
    put(
        engine,
        [
            j(
                "f1",
                "2026-04-01",
                rep_id="r1",
                mql_at="2026-04-01 09:00",
                first_touch_at="2026-04-01 10:00",
                sal_at="2026-04-02",
                company="F1 Co",
            ),
            j(
                "f2",
                "2026-04-01",
                rep_id="r1",
                mql_at="2026-04-02 09:00",
                first_touch_at="2026-04-03 09:00",
                company="F2 Co",
                campaign_id="c1",
            ),
            j(
                "f3",
                "2026-04-01",
                rep_id="r1",
                mql_at="2026-04-03 09:00",
                first_touch_at="2026-04-05 09:00",
                disqualified_reason="Bad fit",
            ),
            j(
                "f4",
                "2026-04-01",
                rep_id="r2",
                mql_at="2026-04-10",
                first_touch_at="2026-04-09 12:00",
            ),
            j("f5", "2026-04-01", mql_at="2026-05-01"),
            j("f6", "2026-04-01", rep_id="r2", mql_at="2026-06-15 12:00", lost_at="2026-06-20"),
            j("f7", "2026-04-01", mql_at="2026-06-30"),
            j(
                "f8",
                "2026-04-01",
                rep_id="r2",
                sal_at="2026-04-20",
                first_touch_at="2026-04-20 06:00",
            ),
            j("x1", "2026-03-01", rep_id="r1", mql_at="2026-03-31", first_touch_at="2026-04-05"),
            j("x2", "2026-06-01", rep_id="r1", mql_at="2026-07-01"),
        ],
        reps="r1,Ann,Inside,NA\nr2,Bob,Inside,NA\n",
    )

    got = followup_summary(engine, quarter=Q2, sla_hours=24, as_of=dt.datetime(2026, 7, 1))

    assert got.has_first_touch is True
    assert got.totals.values.tolist() == [
        ["within_sla", 4, 8, 0.5],
        ["late", 1, 8, 0.125],
        ["never", 3, 8, 0.375],
    ]
    assert got.by_rep.values.tolist() == [
        ["r1", "Ann", 3, 2, 1, 0, 0.666667, *wilson_by_hand(2, 3), 1, 89.625],
        ["r2", "Bob", 3, 2, 0, 1, 0.666667, *wilson_by_hand(2, 3), 1, 82.0],
        [None, "(unassigned)", 2, 0, 0, 2, 0.0, *wilson_by_hand(0, 2), 2, 31.0],
    ]
    assert got.open_mqls[["journey_id", "rep_name", "age_days"]].values.tolist() == [
        ["f2", "Ann", 89.625],
        ["f4", "Bob", 82.0],
        ["f5", "(unassigned)", 61.0],
        ["f7", "(unassigned)", 1.0],
    ]
    first = got.open_mqls.iloc[0]
    assert (first["company"], first["campaign_id"], first["mql_at"]) == (
        "F2 Co",
        "c1",
        dt.datetime(2026, 4, 2, 9),
    )


def test_followup_without_first_touch_dates_says_what_to_map(engine):
    put(engine, [j("a", "2026-04-01", mql_at="2026-04-02")])
    got = followup_summary(engine, quarter=Q2, sla_hours=24, as_of=dt.datetime(2026, 7, 1))
    assert got.has_first_touch is False
    assert got.totals["count"].tolist() == [0, 0, 1]
    for column in (
        "First_Touch_Date__c",
        "FirstCallDateTime",
        "Time of First Engagement",
        "first_touch_at",
    ):
        assert column in NO_FIRST_TOUCH_MESSAGE


# --- spend ------------------------------------------------------------------------------------


def test_campaign_spend_prorated_with_cost_per_result_and_roi(any_engine):
    # Q2 has 91 days; today 2026-05-15.
    # half:   03-02..04-30 = 60 days, 30 in Q2: actual 6000 * 30/60 = 3000
    #         MQL h1, h2; SQL, Opp, Won h1 (bookings 4000): per MQL 1500, per SQL/Opp/Won 3000,
    #         ROI (4000 - 3000) / 3000 = 0.333333
    # run:    03-01.. running to today 05-15 = 76 days, 04-01..05-15 = 45 in Q2:
    #         7600 * 45/76 = 4500; SQL s1 only (its MQL was in Q1) -> per MQL None,
    #         per SQL 4500; ROI (0 - 4500) / 4500 = -1
    # nostart: no start date overlaps nothing: cost 0 (eligible through n1's MQL):
    #         per MQL 0, ROI None
    # budget: 04-01..06-30 whole quarter, no actual cost: budget 9100; no results; ROI -1
    # ghost:  no campaign record: name = id, channel from its journey, cost unknown
    # old and future campaigns: neither activity nor dates in Q2 -> not listed.
    put(
        any_engine,
        [
            j(
                "h1",
                "2026-04-02",
                campaign_id="half",
                mql_at="2026-04-02",
                sql_at="2026-04-10",
                opp_at="2026-04-15",
                won_at="2026-05-20",
                amount="5000",
                won_amount="4000",
            ),
            j("h2", "2026-04-05", campaign_id="half", mql_at="2026-04-06"),
            j("s1", "2026-03-10", campaign_id="run", mql_at="2026-03-12", sql_at="2026-04-03"),
            j("n1", "2026-04-01", campaign_id="nostart", mql_at="2026-04-01"),
            j(
                "g1",
                "2026-05-01",
                entry_stage="opp",
                campaign_id="ghost",
                channel="Partner",
                opp_at="2026-05-01",
                won_at="2026-06-01",
                amount="2000",
                won_amount="2000",
            ),
            j("o1", "2025-06-01", campaign_id="old", mql_at="2025-06-02"),
        ],
        campaigns=(
            "half,Half Inside,Webinar,2026-03-02,2026-04-30,9999,6000\n"
            "run,running,Paid Search,2026-03-01,,,7600\n"
            "nostart,No Start,Email,,2026-05-01,,1000\n"
            "budget,budget only,Trade Show,2026-04-01,2026-06-30,9100,\n"
            "old,Old,Email,2025-01-01,2025-12-31,,500\n"
            "future,Future,Email,2026-07-01,2026-09-30,,500\n"
        ),
    )

    got = campaign_spend(any_engine, quarter=Q2, today=dt.date(2026, 5, 15))

    none = None
    assert got.values.tolist() == [
        # id, name, channel, basis, cost, mql, sql, opp, won, bookings, per mql/sql/opp/won, roi
        [
            "budget",
            "budget only",
            "Trade Show",
            "budget",
            9100.0,
            0,
            0,
            0,
            0,
            0.0,
            none,
            none,
            none,
            none,
            -1.0,
        ],
        ["ghost", "ghost", "Partner", none, none, 0, 0, 1, 1, 2000.0, none, none, none, none, none],
        [
            "half",
            "Half Inside",
            "Webinar",
            "actual",
            3000.0,
            2,
            1,
            1,
            1,
            4000.0,
            1500.0,
            3000.0,
            3000.0,
            3000.0,
            0.333333,
        ],
        [
            "nostart",
            "No Start",
            "Email",
            "actual",
            0.0,
            1,
            0,
            0,
            0,
            0.0,
            0.0,
            none,
            none,
            none,
            none,
        ],
        [
            "run",
            "running",
            "Paid Search",
            "actual",
            4500.0,
            0,
            1,
            0,
            0,
            0.0,
            none,
            4500.0,
            none,
            none,
            -1.0,
        ],
    ]


# --- drill-down -------------------------------------------------------------------------------

DRILL_JOURNEYS = [
    j(
        "d1",
        "2026-01-10",
        campaign_id="c1",
        rep_id="rA",
        mql_at="2026-01-15",
        sql_at="2026-02-01",
        opp_at="2026-04-05",
        won_at="2026-05-01",
        amount="1000",
        won_amount="800",
    ),  # SAL reached on 02-01 (inferred from SQL)
    j("d2", "2026-02-01", campaign_id="c1", rep_id="rB", mql_at="2026-02-03"),
    j("d3", "2026-04-02", campaign_id="c1", mql_at="2026-04-03", sal_at="2026-04-04"),
    j("d4", "2025-10-05", campaign_id="c1", rep_id="rA"),
    j("d5", "2026-05-01", rep_id="rA", mql_at="2026-05-02"),
    j("d6", "2026-04-10", campaign_id="c2", rep_id="rB"),
    j("d7", "2026-04-02", campaign_id="c1", rep_id="rB"),
]


def test_funnel_by_quarter_for_a_campaign_and_a_rep(engine):
    # c1: 2026-Q2 leads d3 d7, MQL d3, SAL d3, Opp d1 (pipeline 1000), Won d1 (bookings 800)
    #     2026-Q1 leads d1 d2, MQL d1 d2, SAL d1, SQL d1;  2025-Q4 lead d4
    # rA: 2026-Q2 lead d5, MQL d5, Opp and Won d1;  2026-Q1 d1 lead..SQL;  2025-Q4 lead d4
    # unassigned rep: d3 only
    put(engine, DRILL_JOURNEYS)
    c1 = campaign_funnel_by_quarter(engine, campaign_id="c1")
    assert c1.values.tolist() == [
        ["2026-Q2", 2, 1, 1, 0, 1, 1, 1000.0, 800.0],
        ["2026-Q1", 2, 2, 1, 1, 0, 0, 0.0, 0.0],
        ["2025-Q4", 1, 0, 0, 0, 0, 0, 0.0, 0.0],
    ]
    # Fiscal year from April: Apr-Jun 2026 is FY2027-Q1.
    fiscal = campaign_funnel_by_quarter(engine, campaign_id="c1", fiscal_start_month=4)
    assert fiscal["quarter"].tolist() == ["FY2027-Q1", "FY2026-Q4", "FY2026-Q3"]
    assert rep_funnel_by_quarter(engine, rep_id="rA").values.tolist() == [
        ["2026-Q2", 1, 1, 0, 0, 1, 1, 1000.0, 800.0],
        ["2026-Q1", 1, 1, 1, 1, 0, 0, 0.0, 0.0],
        ["2025-Q4", 1, 0, 0, 0, 0, 0, 0.0, 0.0],
    ]
    assert rep_funnel_by_quarter(engine, rep_id=None).values.tolist() == [
        ["2026-Q2", 1, 1, 1, 0, 0, 0, 0.0, 0.0]
    ]
    assert campaign_funnel_by_quarter(engine, campaign_id="nothing").empty


def test_journeys_page_offset_limit_total_and_filters(engine):
    # c1 newest first: d3, d7 (same created_at: by id), d2, d1, d4
    put(engine, DRILL_JOURNEYS)
    page, total = journeys_page(engine, campaign_id="c1", offset=1, limit=2)
    assert (page["journey_id"].tolist(), total) == (["d7", "d2"], 5)
    page, total = journeys_page(engine, campaign_id="c1", offset=4, limit=2)
    assert (page["journey_id"].tolist(), total) == (["d4"], 5)
    # In Q2: d3, d7 created in it, d1 reached Opp and Won in it.
    page, total = journeys_page(engine, campaign_id="c1", quarter=Q2)
    assert (page["journey_id"].tolist(), total) == (["d3", "d7", "d1"], 3)
    d1 = page.iloc[2]
    # sal_at is the reached date (inferred from SQL); lost_at stays empty.
    assert (d1["sal_at"], d1["won_at"], d1["amount"], d1["won_amount"]) == (
        dt.datetime(2026, 2, 1),
        dt.datetime(2026, 5, 1),
        1000.0,
        800.0,
    )
    assert list(page.columns) == [
        "journey_id",
        "company",
        "channel",
        "created_at",
        "mql_at",
        "sal_at",
        "sql_at",
        "opp_at",
        "won_at",
        "lost_at",
        "amount",
        "won_amount",
        "disqualified_reason",
    ]
    page, total = journeys_page(engine, rep_id="rA", quarter=parse_quarter("2026-Q1"))
    assert (page["journey_id"].tolist(), total) == (["d1"], 1)
    assert journeys_page(engine, no_campaign=True)[0]["journey_id"].tolist() == ["d5"]
    assert journeys_page(engine, unassigned=True)[0]["journey_id"].tolist() == ["d3"]
    assert journeys_page(engine, campaign_id="c1", rep_id="rB")[1] == 2
    with pytest.raises(ValueError, match="campaign or a rep"):
        journeys_page(engine)
    with pytest.raises(ValueError):
        journeys_page(engine, campaign_id="c1", no_campaign=True)

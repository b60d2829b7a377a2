"""Chart builders, checked on the figures themselves: marks, values, colours, goal markers,
whiskers, order, labels, escaping and empty frames. Frames are built by hand with the columns
of the metric modules."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from smarketing_data import charts
from smarketing_data.charts import ABOVE, BELOW, NEUTRAL, ON_PAR
from smarketing_data.metrics.judgement import step_verdict

HAS_KALEIDO = importlib.util.find_spec("kaleido") is not None
PNG_DIR = Path("/tmp/charts")
NAN = float("nan")


# --- frames -----------------------------------------------------------------------------------


def funnel_frame(counts: list[int], goals: list[float]) -> pd.DataFrame:
    """funnel_table's columns; step rates from the counts, so the fixture is the counts."""
    stages = ["lead", "mql", "sal", "sql", "opp", "won"]
    labels = ["Lead", "MQL", "SAL", "SQL", "Opportunity", "Closed Won"]
    rows = []
    for i, (stage, label, n) in enumerate(zip(stages, labels, counts, strict=True)):
        rows.append(
            dict(
                stage=stage,
                label=label,
                tracked=True,
                count=n,
                previous=n,
                change=0.0,
                step_from=stages[i - 1] if i else None,
                step_rate=n / counts[i - 1] if i else NAN,
                step_goal=goals[i - 1] if i else NAN,
                cumulative_rate=n / counts[0] if i else NAN,
                cumulative_goal=NAN,
                verdict=step_verdict(n / counts[i - 1], goals[i - 1]) if i else None,
            )
        )
    return pd.DataFrame(rows)


FUNNEL = funnel_frame([1000, 250, 150, 90, 44, 12], [0.25, 0.6, 0.6, 0.55, 0.25])

CAMPAIGN_COLUMNS = [
    "id",
    "name",
    "channel",
    "value",
    "upstream",
    "goal",
    "expected",
    "vs_expected",
    "verdict",
]
CAMPAIGNS = pd.DataFrame(
    [
        ("c1", "Webinar", "Webinar", 1234, 3000, 0.36, 1080.0, 154.0, "at_or_above"),
        ("c2", "Ebook", "Content", 12, 26, 0.36, 9.36, 2.64, "at_or_above"),
        ("c3", "<b>x</b>", "Paid & Search", 3, 12, 0.36, 4.32, -1.32, "below"),
        ("c4", "Webinar", None, 0, 0, 0.36, NAN, NAN, None),
    ],
    columns=CAMPAIGN_COLUMNS,
)

REP_COLUMNS = [
    "id",
    "name",
    "team",
    "numerator",
    "denominator",
    "rate",
    "ci_low",
    "ci_high",
    "goal",
    "verdict",
]
REPS = pd.DataFrame(
    [
        ("r1", "Ana", "Velocity", 15, 20, 0.75, 0.53, 0.89, 0.36, "above"),
        ("r2", "Ben", "Growth", 9, 19, 9 / 19, 0.27, 0.68, 0.36, "on_par"),
        ("r3", '=HYPERLINK("http://x","y")', None, 1, 20, 0.05, 0.01, 0.24, 0.36, "below"),
    ],
    columns=REP_COLUMNS,
)

CONTRIBUTION = pd.DataFrame(
    [
        dict(
            metric="pipeline",
            sourced=1_400_000.0,
            total=1_520_000.0,
            share=1_400_000 / 1_520_000,
            target=1_200_000.0,
            attainment=1_400_000 / 1_200_000,
            verdict="at_or_above",
        ),
        dict(
            metric="bookings",
            sourced=600_000.0,
            total=640_000.0,
            share=0.9375,
            target=800_000.0,
            attainment=0.75,
            verdict="below",
        ),
    ]
)

CHANNELS = pd.DataFrame(
    [
        dict(channel="Email", mql=40, sql=12, opp=5, won=1, spend=1200.0),
        dict(channel="Webinar", mql=3000, sql=1234, opp=90, won=12, spend=25_000.0),
        dict(channel="Content", mql=40, sql=12, opp=4, won=2, spend=None),
    ]
)

SPEND_COLUMNS = [
    "campaign_id",
    "name",
    "channel",
    "cost_basis",
    "cost",
    "mql",
    "sql",
    "opp",
    "won",
    "bookings",
    "cost_per_mql",
    "cost_per_sql",
    "cost_per_opp",
    "cost_per_won",
    "roi",
]
SPEND = pd.DataFrame(
    [
        (
            "c1",
            "Webinar",
            "Webinar",
            "actual",
            10_000.0,
            50,
            20,
            5,
            2,
            30_000.0,
            200.0,
            500.0,
            2000.0,
            5000.0,
            2.0,
        ),
        (
            "c2",
            "Ebook",
            "Content",
            "budget",
            3000.0,
            30,
            2,
            1,
            0,
            0.0,
            100.0,
            1500.0,
            3000.0,
            None,
            -1.0,
        ),
        ("c3", "Podcast", "Other", None, None, 10, 5, 0, 0, 0.0, None, None, None, None, None),
        (
            "c4",
            "Outbound",
            "Outbound",
            "budget",
            4000.0,
            8,
            0,
            0,
            0,
            1000.0,
            500.0,
            None,
            None,
            None,
            -0.75,
        ),
        (
            "c5",
            "Partner",
            "Partner",
            "actual",
            5000.0,
            16,
            5,
            4,
            2,
            386_000.0,
            312.5,
            1000.0,
            1250.0,
            2500.0,
            76.2,
        ),
    ],
    columns=SPEND_COLUMNS,
)

VELOCITY = pd.DataFrame(
    [
        ("lead", "mql", 249, 3.45, 6.9),
        ("mql", "sal", 146, 1.2, 2.15),
        ("sal", "sql", 0, None, None),
        ("sql", "opp", 46, 5.3, 9.7),
        ("opp", "won", 9, 31.6, 40.4),
    ],
    columns=["from_stage", "to_stage", "journeys", "median_days", "p75_days"],
)

TRAIT_COLUMNS = [
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


def traits_frame(n: int) -> pd.DataFrame:
    """n channel values with lifts 1.0, 1.1, … in reverse, plus a rep with lift 0.5; the
    fastest quartile holds 10 of 40 wins, each channel 2 of them (95% interval 5.7%–51%)."""
    rows = [
        ("channel", f"C{i}", 0.2, 0.2 / (1 + i / 10), 1 + i / 10, 2, 8, 10, 40, 0.056681, 0.509843)
        for i in range(n)
    ]
    rows.append(("rep", "<i>Zoe</i>", 0.1, 0.2, 0.5, 1, 8, 10, 40, 0.017876, 0.404156))
    return pd.DataFrame(rows, columns=TRAIT_COLUMNS)


FOLLOWUP = pd.DataFrame(
    [
        ("within_sla", 179, 249, 179 / 249),
        ("late", 38, 249, 38 / 249),
        ("never", 32, 249, 32 / 249),
    ],
    columns=["status", "count", "mqls", "share"],
)

BY_REP = pd.DataFrame(
    [
        ("r1", "Ana & Co", 9, 6, 1, 2, 6 / 9, 0.35, 0.88, 3, 77.6),
        ("r2", "Ben", 16, 14, 2, 0, 0.875, 0.64, 0.97, 1, 30.9),
        (None, "(unassigned)", 8, 0, 0, 8, 0.0, 0.0, 0.32, 8, 64.0),
    ],
    columns=[
        "rep_id",
        "rep_name",
        "mqls",
        "within_sla",
        "late",
        "never",
        "within_share",
        "within_ci_low",
        "within_ci_high",
        "open_mqls",
        "median_open_age_days",
    ],
)

REFERRAL = pd.DataFrame(
    [
        ("Referral", 57, 1, 1 / 57, 0.0031, 0.0929, 1.7),
        ("All other", 866, 9, 9 / 866, 0.0055, 0.0196, None),
    ],
    columns=["group", "cohort", "won", "rate", "ci_low", "ci_high", "lift"],
)

DRILL = pd.DataFrame(
    [
        ("2026-Q3", 84, 52, 41, 28, 13, 2, 454_106.6, 59_468.07),
        ("2026-Q2", 0, 0, 0, 0, 0, 0, 0.0, 0.0),
        ("2026-Q1", 70, 40, 30, 1200, 10, 3, 1000.0, 500.0),
    ],
    columns=["quarter", "leads", "mql", "sal", "sql", "opp", "won", "pipeline", "bookings"],
)


# --- helpers ----------------------------------------------------------------------------------


def goal_trace(fig: go.Figure) -> Any:
    """The one trace drawing per-bar goals (a scatter of dashed segments)."""
    found = [t for t in fig.data if t.type == "scatter" and t.mode == "lines"]
    assert len(found) == 1
    return found[0]


def strings(node: Any) -> Iterator[str]:
    """Every string in a figure dict, the template excluded."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "template":
                yield from strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from strings(value)


def assert_no_raw_markup(fig: go.Figure) -> None:
    for text in strings(fig.to_dict()):
        assert (
            "<b>" not in text and "<i>" not in text and "</" not in text.replace("</extra>", "")
        ), text
        assert " & " not in text, text


# --- constants and escaping -------------------------------------------------------------------


def test_palette_is_okabe_ito():
    assert charts.PALETTE == (
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    )
    assert (ABOVE, BELOW, ON_PAR, NEUTRAL) == ("#009E73", "#D55E00", "#999999", "#0072B2")


@pytest.mark.parametrize(
    "text,escaped",
    [
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ('=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'),
        ("Paid & Search", "Paid &amp; Search"),
        ("&lt;", "&amp;lt;"),
        ("%{x}", "%{x}"),
        (None, "—"),
        (NAN, "—"),
        (42, "42"),
    ],
)
def test_escape_label(text, escaped):
    assert charts.escape_label(text) == escaped


# --- funnel -----------------------------------------------------------------------------------


def test_funnel_chart_bars_labels_and_expected_counts():
    fig = charts.funnel_chart(FUNNEL)
    bars = fig.data[0]
    assert bars.type == "bar" and bars.orientation == "h"
    assert list(bars.x) == [1000, 250, 150, 90, 44, 12]
    assert list(bars.y) == [0, 1, 2, 3, 4, 5]
    assert list(fig.layout.yaxis.ticktext) == [
        "Lead",
        "MQL",
        "SAL",
        "SQL",
        "Opportunity",
        "Closed Won",
    ]
    assert fig.layout.yaxis.autorange == "reversed"  # Lead at the top
    assert list(bars.text) == [
        "1k",
        "250 · 25% of Lead",
        "150 · 60% of MQL",
        "90 · 60% of SAL",
        "44 · 49% of SQL",
        "12 · 27% of Opportunity",
    ]
    # expected = previous count × step goal: 250, 150, 90, 49.5, 11; 44 < 49.5 misses.
    assert list(bars.marker.color) == [NEUTRAL, ABOVE, ABOVE, ABOVE, BELOW, ABOVE]
    goal = goal_trace(fig)
    assert goal.name == "Expected at goal" and goal.showlegend
    assert goal.line.color == "#000000" and goal.line.dash == "dash"
    assert [x for x in goal.x if x is not None] == pytest.approx(
        [v for v in (250, 150, 90, 49.5, 11) for _ in range(3)]
    )
    assert list(goal.y[:4]) == [0.6, 1, 1.4, None]
    assert [t for t in goal.text if t][::3] == [
        "expected at goal: 250",
        "expected at goal: 150",
        "expected at goal: 90",
        "expected at goal: 49.5",
        "expected at goal: 11",
    ]


def test_conversion_chart_colours_by_goal_and_marks_each_goal():
    fig = charts.conversion_chart(FUNNEL)
    bars = fig.data[0]
    assert bars.orientation == "v"
    assert list(fig.layout.xaxis.ticktext) == [
        "Lead→MQL",
        "MQL→SAL",
        "SAL→SQL",
        "SQL→Opportunity",
        "Opportunity→Closed Won",
    ]
    assert list(bars.y) == pytest.approx([0.25, 0.6, 0.6, 44 / 90, 12 / 44])
    assert list(bars.marker.color) == [ABOVE, ABOVE, ABOVE, BELOW, ABOVE]
    assert list(bars.text) == [
        "25% (goal 25%)",
        "60% (goal 60%)",
        "60% (goal 60%)",
        "49% (goal 55%)",
        "27% (goal 25%)",
    ]
    goal = goal_trace(fig)
    assert goal.name == "Goal"
    assert list(goal.x[:4]) == [-0.4, 0, 0.4, None]  # across the first bar
    assert [y for y in goal.y if y is not None][::3] == [0.25, 0.6, 0.6, 0.55, 0.25]
    assert goal.text[0] == "goal: 25%"
    assert fig.layout.yaxis.tickformat == ".0%"


def test_conversion_chart_shows_a_decimal_when_rounding_would_hide_a_miss():
    fig = charts.conversion_chart(
        funnel_frame([1000, 250, 149, 90, 44, 12], [0.25, 0.6, 0.6, 0.55, 0.25])
    )
    assert fig.data[0].text[1] == "59.6% (goal 60.0%)"
    assert fig.data[0].marker.color[1] == BELOW


def test_campaign_chart_values_colours_and_expected_marker():
    fig = charts.campaign_chart(CAMPAIGNS, "SQLs")
    bars = fig.data[0]
    assert fig.layout.title.text == "Campaigns by SQLs"
    assert list(bars.x) == [1234, 12, 3, 0]
    assert list(bars.y) == [0, 1, 2, 3]
    assert fig.layout.yaxis.autorange == "reversed"  # rank 1 at the top
    assert list(bars.text) == ["1.2k (exp. 1.1k)", "12 (exp. 9.4)", "3 (exp. 4.3)", "0"]
    assert list(bars.marker.color) == [ABOVE, ABOVE, BELOW, NEUTRAL]
    goal = goal_trace(fig)
    assert [t.name for t in fig.data if t.showlegend] == ["Expected at goal"]
    assert list(goal.x) == pytest.approx(
        [1080] * 3 + [None] + [9.36] * 3 + [None] + [4.32] * 3 + [None]
    )
    assert list(goal.y) == [-0.4, 0, 0.4, None, 0.6, 1, 1.4, None, 1.6, 2, 2.4, None]
    assert goal.text[8] == "expected at goal: 4.3"


def test_campaign_chart_escapes_names_and_keeps_namesakes_apart():
    fig = charts.campaign_chart(CAMPAIGNS, "SQLs")
    assert list(fig.layout.yaxis.ticktext) == [
        "Webinar",
        "Ebook",
        "&lt;b&gt;x&lt;/b&gt;",
        "Webinar",
    ]
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3]  # two bars named Webinar
    hover = fig.data[0].hovertext[2]
    assert hover.startswith("&lt;b&gt;x&lt;/b&gt;<br>channel: Paid &amp; Search")
    assert fig.data[0].hovertemplate == "%{hovertext}<extra></extra>"
    assert_no_raw_markup(fig)


def test_long_names_are_cut_before_escaping():
    long = "Quarterly webinar series " + "A" * 30 + " <&> tail that does not fit"
    frame = CAMPAIGNS.head(2).assign(name=[long, "Ebook"])
    fig = charts.campaign_chart(frame, "SQLs")
    tick = fig.layout.yaxis.ticktext[0]
    # two lines of at most NAME_WIDTH px, broken between words, cut with an ellipsis; the cut
    # happens before escaping, so it never splits an entity like "&lt;"
    first, second = tick.split("<br>")
    assert first == "Quarterly webinar series" and second.endswith("…")
    assert second.startswith("AAAA") and "&" not in second.replace("&lt;", "").replace(
        "&gt;", ""
    ).replace("&amp;", "")
    assert all(charts.text_width(line) <= charts.NAME_WIDTH for line in (first, second))
    assert fig.layout.yaxis.ticktext[1] == "Ebook"
    # the hover keeps the name whole
    assert (
        fig.data[0]
        .hovertext[0]
        .startswith(
            "Quarterly webinar series " + "A" * 30 + " &lt;&amp;&gt; tail that does not fit<br>"
        )
    )


@pytest.mark.parametrize(
    "text,lines",
    [
        ("Webinar", ["Webinar"]),
        (
            "2026-Q1 Social: LinkedIn Thought Leadership",
            ["2026-Q1 Social:", "LinkedIn Thought Leadership"],
        ),
        ("A" * 60, ["A" * 60, "A" * 60]),  # one long word: broken inside, then cut
    ],
)
def test_shorten_breaks_between_words_and_cuts_with_an_ellipsis(text, lines):
    got = charts.shorten(text).split("\n")
    assert len(got) == len(lines)
    for line, want in zip(got, lines, strict=True):
        assert line == want or want.startswith(line.removesuffix("…"))
        assert charts.text_width(line) <= charts.NAME_WIDTH


def test_text_width_reads_plotly_labels():
    assert charts.text_width("Lead") == pytest.approx((556 + 556 + 556 + 556) * 18 / 1000)
    assert charts.text_width("a<br>bbb") == charts.text_width("bbb")
    assert charts.text_width("&lt;&amp;") == pytest.approx((584 + 667) * 18 / 1000)
    assert charts.text_width("<b>x</b>") == charts.text_width("x")


def test_rep_chart_rates_whiskers_goal_line_and_verdicts():
    fig = charts.rep_chart(REPS, "SQL")
    bars, labels = fig.data[0], fig.data[1]
    assert fig.layout.title.text == "Reps by conversion to SQL"
    assert list(bars.x) == pytest.approx([0.75, 9 / 19, 0.05])
    assert list(bars.marker.color) == [ABOVE, ON_PAR, BELOW]
    assert list(bars.error_x.array) == pytest.approx([0.14, 0.68 - 9 / 19, 0.19])
    assert list(bars.error_x.arrayminus) == pytest.approx([0.22, 9 / 19 - 0.27, 0.04])
    assert list(labels.text) == ["75% (15/20)", "47% (9/19)", "5% (1/20)"]
    assert list(labels.x) == [0.89, 0.68, 0.24]
    assert list(fig.layout.xaxis.range) == [0, 1] and fig.layout.xaxis.tickformat == ".0%"
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1) == (0.36, 0.36)
    assert line.line.dash == "dash" and line.line.color == "#000000"
    assert [a.text for a in fig.layout.annotations] == ["Goal 36%"]
    # one word too long for a line: broken inside it
    assert fig.layout.yaxis.ticktext[2].replace("<br>", "") == '=HYPERLINK("http://x","y")'
    assert fig.data[0].hovertext[1].startswith("Ben (Growth)<br>SQL: 47% (9/19)")
    assert fig.data[0].hovertext[2].startswith('=HYPERLINK("http://x","y")<br>')


def test_rep_chart_colours_by_the_reports_verdicts_not_its_own():
    # the verdict comes with the report (metrics.report_model); the chart only renders it
    fig = charts.rep_chart(REPS.assign(verdict=["below", "above", None]), "SQL")
    assert list(fig.data[0].marker.color) == [BELOW, ABOVE, NEUTRAL]


def test_rep_chart_goal_label_keeps_small_goals_readable():
    fig = charts.rep_chart(REPS.assign(goal=0.045), "Closed Won")
    assert fig.layout.annotations[0].text == "Goal 4.5%"
    assert charts.rep_chart(REPS.assign(goal=0.05), "Won").layout.annotations[0].text == ("Goal 5%")


# --- around the reports -----------------------------------------------------------------------


def test_contribution_chart_with_targets():
    fig = charts.contribution_chart(CONTRIBUTION)
    total, sourced = fig.data[0], fig.data[1]
    assert (total.name, sourced.name) == ("Total", "Marketing-sourced")
    assert list(total.x) == [1_520_000, 640_000] and list(sourced.x) == [1_400_000, 600_000]
    assert list(total.text) == ["$1.4M of $1.5M (92%)", "$600k of $640k (94%)"]
    assert list(sourced.marker.color) == [ABOVE, BELOW]  # 1.4M ≥ 1.2M; 600k < 800k
    assert list(fig.layout.yaxis.ticktext) == [
        "Pipeline<br>target $1.2M",
        "Bookings<br>target $800k",
    ]
    goal = goal_trace(fig)
    assert goal.name == "Target"
    assert [x for x in goal.x if x is not None] == [1_200_000] * 3 + [800_000] * 3
    assert goal.text[0] == "target: $1.2M"
    assert fig.layout.barmode == "overlay"


def test_contribution_chart_without_targets_has_no_marker():
    fig = charts.contribution_chart(CONTRIBUTION.assign(target=None, attainment=None, verdict=None))
    assert [t.type for t in fig.data] == ["bar", "bar", "scatter"]  # the scatter: labels
    assert not any(t.name == "Target" for t in fig.data)
    assert list(fig.data[1].marker.color) == [NEUTRAL, NEUTRAL]
    assert list(fig.layout.yaxis.ticktext) == ["Pipeline", "Bookings"]


def test_channel_chart_groups_sql_opp_won_most_sqls_first():
    fig = charts.channel_chart(CHANNELS)
    assert [t.name for t in fig.data] == ["SQLs", "Opps", "Closed Won"]
    assert fig.layout.barmode == "group"
    assert list(fig.layout.yaxis.ticktext) == ["Webinar", "Content", "Email"]  # tie: by name
    assert list(fig.data[0].x) == [1234, 12, 12]
    assert list(fig.data[0].text) == ["1.2k", "12", "12"]
    assert list(fig.data[2].x) == [12, 2, 1]
    assert fig.data[0].hovertext[0] == "Webinar<br>MQLs: 3k · spend $25k<br>SQLs: 1.2k"
    assert "spend —" in fig.data[0].hovertext[1]


def test_spend_chart_cost_per_sql_cheapest_first():
    fig = charts.spend_chart(SPEND)
    bars = fig.data[0]
    # Ebook $1.5k; Podcast (no cost) and Outbound (no SQL) are left out.
    assert list(fig.layout.yaxis.ticktext) == ["Webinar", "Partner", "Ebook"]
    assert list(bars.x) == [500.0, 1000.0, 1500.0]
    assert list(bars.text) == ["$500", "$1k", "$1.5k"]
    assert bars.hovertext[2] == "Ebook<br>cost per SQL: $1.5k<br>2 SQLs for $3k (budget, prorated)"


def test_roi_chart_colours_sign_and_draws_break_even():
    fig = charts.roi_chart(SPEND)
    bars = fig.data[0]
    assert list(fig.layout.yaxis.ticktext) == ["Partner", "Webinar", "Outbound", "Ebook"]
    assert list(bars.x) == [76.2, 2.0, -0.75, -1.0]
    assert list(bars.marker.color) == [ABOVE, ABOVE, BELOW, BELOW]
    assert list(bars.text) == ["7.6k%", "200%", "-75%", "-100%"]
    (zero,) = fig.layout.shapes
    assert (zero.x0, zero.x1) == (0, 0)
    assert fig.layout.annotations[0].text == "break-even"
    assert fig.layout.xaxis.range[0] < -1 < 76.2 < fig.layout.xaxis.range[1]


def test_velocity_chart_median_and_p75_per_transition():
    fig = charts.velocity_chart(VELOCITY)
    assert [t.name for t in fig.data] == ["Median", "75th percentile"]
    assert list(fig.layout.yaxis.ticktext) == [
        "Lead→MQL",
        "MQL→SAL",
        "SQL→Opportunity",
        "Opportunity→Closed Won",
    ]  # SAL→SQL unmeasured
    assert list(fig.data[0].x) == [3.45, 1.2, 5.3, 31.6]
    assert list(fig.data[0].text) == ["3.5 days", "1.2 days", "5.3 days", "32 days"]
    assert list(fig.data[1].text) == ["6.9 days", "2.1 days", "9.7 days", "40 days"]
    assert fig.data[0].hovertext[0] == "Lead→MQL: median 3.5 days<br>over 249 journeys"


def test_fastest_traits_chart_top_twelve_and_reference_line():
    fig = charts.fastest_traits_chart(traits_frame(14))
    bars = fig.data[0]
    assert len(bars.x) == 12
    assert list(bars.x) == pytest.approx([1 + i / 10 for i in range(13, 1, -1)])
    assert fig.layout.yaxis.ticktext[0] == "Channel: C13"
    assert bars.text[0] == "2.3× (2/10)" and bars.text[-1] == "1.2× (2/10)"
    assert bars.hovertext[0] == (
        "Channel: C13<br>lift 2.3×<br>fastest quartile: 2 of 10 = 20% "
        "(95% interval 5.7%–51%)<br>all wins: 8 of 40 = 9%"
    )
    (line,) = fig.layout.shapes
    assert line.x0 == 1
    assert fig.layout.annotations[0].text == "as common as among all wins"


def test_fastest_traits_chart_escapes_and_greys_under_represented_values():
    fig = charts.fastest_traits_chart(traits_frame(1))
    assert list(fig.layout.yaxis.ticktext) == ["Channel: C0", "Rep: &lt;i&gt;Zoe&lt;/i&gt;"]
    assert list(fig.data[0].marker.color) == [NEUTRAL, ON_PAR]
    assert_no_raw_markup(fig)


def test_followup_chart_one_stacked_bar_of_shares():
    fig = charts.followup_chart(FOLLOWUP)
    assert [t.name for t in fig.data] == ["Within SLA", "Late", "Never touched"]
    assert fig.layout.barmode == "stack"
    assert [t.x[0] for t in fig.data] == pytest.approx([179 / 249, 38 / 249, 32 / 249])
    assert [t.text[0] for t in fig.data] == ["72% (179)", "15% (38)", "13% (32)"]
    assert [t.marker.color for t in fig.data] == [ABOVE, "#E69F00", BELOW]
    assert fig.layout.xaxis.title.text == "Share of 249 MQLs"


def test_followup_rep_chart_stacks_counts_per_rep():
    fig = charts.followup_rep_chart(BY_REP)
    assert list(fig.layout.yaxis.ticktext) == ["Ana &amp; Co", "Ben", "(unassigned)"]
    assert [list(t.x) for t in fig.data] == [[6, 14, 0], [1, 2, 0], [2, 0, 8]]
    assert list(fig.data[0].text) == ["6", "14", ""]  # no label on an empty segment
    assert fig.data[2].hovertext[0] == "Ana &amp; Co<br>Never touched: 2 of 9 MQLs (22%)"
    assert_no_raw_markup(fig)


def test_referral_chart_rates_with_whiskers():
    fig = charts.referral_chart(REFERRAL)
    bars, labels = fig.data[0], fig.data[1]
    assert list(fig.layout.yaxis.ticktext) == ["Referral", "All other"]
    assert list(bars.x) == pytest.approx([1 / 57, 9 / 866])
    assert list(bars.marker.color) == [NEUTRAL, ON_PAR]
    assert list(bars.error_x.array) == pytest.approx([0.0929 - 1 / 57, 0.0196 - 9 / 866])
    assert list(bars.error_x.arrayminus) == pytest.approx([1 / 57 - 0.0031, 9 / 866 - 0.0055])
    assert list(labels.text) == ["1.8% (1/57) · 1.7× the others", "1% (9/866)"]


def test_drill_chart_oldest_quarter_left():
    fig = charts.drill_chart(DRILL)
    assert [t.name for t in fig.data] == ["MQLs", "SQLs", "Opps", "Closed Won"]
    assert list(fig.layout.xaxis.ticktext) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert list(fig.data[1].y) == [1200, 0, 28]
    assert list(fig.data[1].text) == ["1.2k", "0", "28"]
    assert fig.layout.barmode == "group"


# --- every chart ------------------------------------------------------------------------------

CHARTS: dict[str, tuple[Callable[[pd.DataFrame], go.Figure], pd.DataFrame]] = {
    "funnel": (charts.funnel_chart, FUNNEL),
    "conversion": (charts.conversion_chart, FUNNEL),
    "campaign": (lambda f: charts.campaign_chart(f, "SQLs"), CAMPAIGNS),
    "rep": (lambda f: charts.rep_chart(f, "SQL"), REPS),
    "contribution": (charts.contribution_chart, CONTRIBUTION),
    "channel": (charts.channel_chart, CHANNELS),
    "spend": (charts.spend_chart, SPEND),
    "roi": (charts.roi_chart, SPEND),
    "velocity": (charts.velocity_chart, VELOCITY),
    "traits": (charts.fastest_traits_chart, traits_frame(14)),
    "followup": (charts.followup_chart, FOLLOWUP),
    "followup_rep": (charts.followup_rep_chart, BY_REP),
    "referral": (charts.referral_chart, REFERRAL),
    "drill": (charts.drill_chart, DRILL),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_layout_reads_on_a_projector(name):
    build, frame = CHARTS[name]
    fig = build(frame)
    layout = fig.to_dict()["layout"]
    assert layout["font"]["size"] >= 18 and layout["title"]["font"]["size"] >= 22
    assert layout["paper_bgcolor"] == "white" and layout["plot_bgcolor"] == "white"
    assert min(layout["margin"][side] for side in ("l", "r", "t", "b")) >= 40
    assert layout["title"]["text"] and layout["height"] >= charts.MIN_HEIGHT
    assert all(t.type in ("bar", "scatter") for t in fig.data)
    assert all(
        t.hovertemplate in (None, "%{hovertext}<extra></extra>", "%{text}<extra></extra>")
        for t in fig.data
    )
    fig.to_json()  # serialisable as the browser receives it
    if HAS_KALEIDO:
        PNG_DIR.mkdir(parents=True, exist_ok=True)
        fig.write_image(PNG_DIR / f"{name}.png")


@pytest.mark.parametrize("name", list(CHARTS))
@pytest.mark.parametrize("shape", ["no rows", "no columns"])
def test_empty_frame_gives_a_notice(name, shape):
    build, frame = CHARTS[name]
    empty = frame.iloc[0:0] if shape == "no rows" else pd.DataFrame()
    fig = build(empty)
    assert len(fig.data) == 0
    (notice,) = fig.layout.annotations
    assert notice.text == "No data for this quarter"
    assert (notice.x, notice.y, notice.xref, notice.yref) == (0.5, 0.5, "paper", "paper")
    assert fig.layout.xaxis.visible is False


@pytest.mark.parametrize(
    "build,frame",
    [
        (charts.conversion_chart, FUNNEL.head(1)),
        (charts.velocity_chart, VELOCITY.assign(median_days=None, p75_days=None)),
        (charts.followup_chart, FOLLOWUP.assign(count=0, mqls=0, share=None)),
        (charts.referral_chart, REFERRAL.assign(cohort=0, won=0, rate=None, lift=None)),
        (charts.spend_chart, SPEND.assign(sql=0)),
        (charts.roi_chart, SPEND.assign(roi=None)),
    ],
)
def test_frames_with_nothing_to_draw_give_the_notice(build, frame):
    fig = build(frame)
    assert [a.text for a in fig.layout.annotations] == ["No data for this quarter"]


def test_height_grows_with_the_rows():
    one = charts.campaign_chart(CAMPAIGNS.head(1), "SQLs").layout.height
    two = charts.campaign_chart(CAMPAIGNS.head(2), "SQLs").layout.height
    many = charts.campaign_chart(pd.concat([CAMPAIGNS] * 5, ignore_index=True), "SQLs")
    assert one == charts.MIN_HEIGHT
    assert two == charts.CHROME_HEIGHT + 2 * charts.ROW_HEIGHT
    assert many.layout.height == charts.CHROME_HEIGHT + 20 * charts.ROW_HEIGHT


def test_single_goal_and_per_bar_goals_are_both_black_dashed():
    line = charts.rep_chart(REPS, "SQL").layout.shapes[0].line
    ticks = goal_trace(charts.campaign_chart(CAMPAIGNS, "SQLs")).line
    assert (line.color, line.dash) == (ticks.color, ticks.dash) == ("#000000", "dash")

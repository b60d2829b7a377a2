"""Tables as people read them: a missing name reads "—", numbers keep their formats."""

from __future__ import annotations

import pandas as pd

from ui.tables import fastest_table


def test_a_missing_company_or_campaign_reads_a_dash_not_none():
    fastest = pd.DataFrame(
        dict(
            company=["Acme", None],
            channel=["Email", "Other"],
            campaign_name=[None, "Webinar"],
            rep_name=["Ann", "Bo"],
            days_to_win=[3.0, 12.0],
            won_amount=[1200.0, None],
        )
    )
    table = fastest_table(fastest)
    assert table.to_dict("records") == [
        {
            "Company": "Acme",
            "Channel": "Email",
            "Campaign": "—",
            "Rep": "Ann",
            "Days to win": "3.0 days",
            "Won": "$1.2k",
        },
        {
            "Company": "—",
            "Channel": "Other",
            "Campaign": "Webinar",
            "Rep": "Bo",
            "Days to win": "12 days",
            "Won": "—",
        },
    ]


def test_a_name_shows_as_it_reads():
    # a right-to-left override would show "\u202eexe.cod" as "doc.exe"
    fastest = pd.DataFrame(dict(company=["\u202eexe.cod"], channel=["Email"]))
    assert fastest_table(fastest)["Company"].tolist() == ["exe.cod"]

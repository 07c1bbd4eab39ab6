"""The demo store's incidents (issue 15) are real incidents with their scopes."""

from __future__ import annotations

from datetime import date

from lib.demo import seed_demo
from lib.store import Store, rows


def test_demo_requests_of_reasons_3_to_5_belong_to_real_incidents(tmp_path):
    store = Store(tmp_path / "d.duckdb")
    store.migrate(demo=True)
    seed_demo(store, today=date(2025, 6, 15), customers=200)
    with store.read() as cur:
        incidents = rows(cur, "SELECT * FROM incident ORDER BY id")
        unlinked = rows(
            cur, "SELECT ticket_id FROM discount_request WHERE reason >= 3 AND incident_id IS NULL"
        )
        outside = rows(
            cur,
            """SELECT dr.ticket_id FROM discount_request dr JOIN ticket t ON t.id = dr.ticket_id
               WHERE dr.incident_id IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM incident_member m
                   WHERE m.incident_id = dr.incident_id AND m.login_id = t.login_id)""",
        )
        wrong_start = rows(
            cur,
            """SELECT dr.ticket_id FROM discount_request dr JOIN incident i ON i.id = dr.incident_id
               WHERE dr.incident_started_at <> i.started_at OR dr.reason <> i.reason""",
        )
        scopes = rows(cur, "SELECT incident_id, count(*) AS n FROM incident_scope GROUP BY ALL")
        members = rows(cur, "SELECT count(*) AS n FROM incident_member")
    assert len(incidents) >= 3
    assert unlinked == [] and outside == [] and wrong_start == []
    assert len(scopes) == len(incidents) and members[0]["n"] > 0
    assert all(i["scope_kind"] == "cto" for i in incidents)
    open_ = [i for i in incidents if i["ended_at"] is None]
    assert len(open_) >= 1  # the demo's incident still going on
    store.close()

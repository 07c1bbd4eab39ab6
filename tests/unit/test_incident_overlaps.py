"""The impact view's "Sobrepostos" (issue 17): the live requests of affected contracts, linked
to no incident, whose period crosses the incident's, now filtered in SQL before their tickets
are read (lib.store.incidents.overlapping_requests). The same rows as filtering every live
request of the contracts, for an open and for a closed incident."""

from __future__ import annotations

from datetime import timedelta

from lib.store import incidents as inc
from lib.usecases import incidents
from tests.unit.test_incidents import END, START, _open, _request, _version, noc, north  # noqa: F401


def _by_hand(world, incident_id: int) -> list[int]:
    """The old reading: every live request of the contracts, filtered in Python."""
    view = incidents.incident_view(world.store, world.supervisor, incident_id)
    end = view.incident["ended_at"] or incidents.reading.clock_now()
    contracts = sorted({m["contract_id"] for m in view.members if m["contract_id"] is not None})
    with world.store.read() as cur:
        live = inc.live_requests_of_contracts(cur, contracts)
    return sorted(
        o["ticket_id"]
        for o in live
        if o["incident_id"] is None and o["start"] < end and o["end"] > view.incident["started_at"]
    )


def test_only_the_unlinked_live_requests_crossing_the_window_are_listed(world, north, noc):  # noqa: F811
    incident_id = _open(world, noc)
    h = timedelta(hours=1)
    before = _request(world, north[0], None, START - 3 * h, returned=START - h)
    inside = _request(world, north[1], None, START + h, returned=START + 2 * h)
    straddling = _request(world, north[2], None, START - h, returned=START + h)
    after = _request(world, north[3], None, END + h, returned=END + 2 * h)
    waiting = _request(world, north[4], None, START + h)  # the signal has not come back
    cancelled = _request(world, north[5], None, START + h, returned=START + 2 * h)
    linked = _request(world, north[6], incident_id, START + h)
    with world.store.transaction() as cur:
        cur.execute(
            "UPDATE discount_request SET decision = 'cancelado' WHERE ticket_id = ?", [cancelled]
        )
    expected = sorted([inside, straddling, after, waiting])  # open: the window runs until now
    view = incidents.incident_view(world.store, world.supervisor, incident_id)
    assert sorted(o["ticket_id"] for o in view.overlaps) == expected == _by_hand(world, incident_id)
    incidents.close_incident(world.store, noc, incident_id, END, _version(world, incident_id))
    view = incidents.incident_view(world.store, world.supervisor, incident_id)
    shown = sorted(o["ticket_id"] for o in view.overlaps)
    assert shown == sorted([inside, straddling, waiting]) == _by_hand(world, incident_id)
    assert before not in shown and linked not in shown
    row = next(o for o in view.overlaps if o["ticket_id"] == inside)
    assert row["protocol"] and row["status"] and row["start"] == START + h
    assert row["end"] == START + 2 * h

"""Issue 18: two refreshes of the charts' table at once, on either engine. On DuckDB the second
conflicts at once; on PostgreSQL (REPEATABLE READ) it waits on the log rows the first deleted,
then fails to serialize. Either way it rolls back its own inserts: one row per request."""

from __future__ import annotations

import threading

from lib.store import reports as rs
from lib.store import scalar
from lib.usecases import discount_requests, reports
from tests.unit.test_services import NOW, request


def test_a_refresh_racing_another_rolls_back_and_leaves_one_row_per_request(world):
    discount_requests.open_discount_request(
        world.store, world.atendente, request(world), "refresh-race", now=NOW
    )
    outcome: dict[str, object] = {}

    def second() -> None:
        try:
            outcome["changed"] = reports.refresh_facts(world.store)
        except BaseException as exc:  # noqa: BLE001 - shown by the assert
            outcome["error"] = exc

    first = world.store.transaction()
    cur = first.__enter__()
    try:
        assert rs.refresh(cur) == 1  # derived, not committed yet
        other = threading.Thread(target=second)
        other.start()
        other.join(0.5)  # PostgreSQL: still waiting on the first's row locks
    finally:
        first.__exit__(None, None, None)  # commit
    other.join(10)
    assert not other.is_alive()
    assert "error" not in outcome, outcome
    assert outcome["changed"] == 0  # the loser's work was the winner's
    with world.store.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM report_discount") == 1
        assert scalar(cur, "SELECT count(*) FROM report_change") == 0

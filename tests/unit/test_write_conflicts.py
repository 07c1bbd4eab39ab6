"""Issue 18: two writers on one row at the same moment. The engine refuses the later one
(DuckDB's write-write conflict, PostgreSQL's serialization failure); the use-case runs again on
a fresh snapshot a bounded number of times, so the user never sees the engine's refusal: either
the action lands, or the screen-bound check refuses it with its own message."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from lib import store as store_pkg
from lib.domain import StaleState
from lib.store import CONFLICT_ATTEMPTS, WriteConflict, retrying, scalar
from lib.usecases import finance, ticket_actions
from tests.ticket_factory import NOW, discount

WRITERS = 4


def at_once(n: int, action: Callable[[int], object]) -> list[object]:
    """Run action(i) for i in 0..n-1 in n threads released together; each result or exception."""
    gate = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        gate.wait()
        try:
            results[i] = action(i)
        except Exception as exc:  # kept, to assert on
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def count_conflicts(monkeypatch) -> list[int]:
    """Count the WriteConflicts the store raised (each one was retried or shown)."""
    seen: list[int] = []
    original = WriteConflict.__init__

    def counted(self, *args) -> None:
        seen.append(1)
        original(self, *args)

    monkeypatch.setattr(WriteConflict, "__init__", counted)
    return seen


def test_messages_written_at_once_on_one_ticket_all_land(world, monkeypatch):
    t = discount(world, "a")
    seen = count_conflicts(monkeypatch)
    for _ in range(3):  # a few rounds: one round may happen to run one writer after another
        results = at_once(
            WRITERS,
            lambda i: ticket_actions.add_message(
                world.store, world.atendente, t, f"mensagem {i}", now=NOW
            ),
        )
        assert not [r for r in results if isinstance(r, Exception)], results
    with world.store.read() as cur:
        kept = scalar(cur, "SELECT count(*) FROM movement WHERE ticket_id = ? AND note LIKE ?",
                      [t, "mensagem %"])  # fmt: skip
    assert kept == 3 * WRITERS
    assert seen, "no writer ever conflicted: the test did not exercise a retry"


def test_two_approvals_at_once_one_lands_the_other_is_told_who_decided(world):
    t = discount(world, "a")
    ticket_actions.assume(world.store, world.financeiro, t, now=NOW)
    shown = {"expected_status": "EP", "expected_decision": "pendente"}  # both tabs show this
    users = [world.financeiro, world.supervisor]
    results = at_once(
        2,
        lambda i: finance.approve(
            world.store, users[i], t, str(10 + i), "ajuste", now=NOW, **shown
        ),  # fmt: skip
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1, results
    assert isinstance(refused[0], StaleState) and not isinstance(refused[0], WriteConflict)
    assert "O desconto foi aprovado por" in str(refused[0])
    with world.store.read() as cur:
        decisions = scalar(
            cur, "SELECT count(*) FROM movement WHERE ticket_id = ? AND kind = ?", [t, "aprovar"]
        )
    assert decisions == 1


def test_retries_are_bounded_and_the_last_refusal_is_in_portuguese(monkeypatch):
    monkeypatch.setattr(store_pkg, "CONFLICT_BACKOFF_S", 0)
    calls = []

    @retrying
    def always_conflicts() -> None:
        calls.append(1)
        raise WriteConflict()

    with pytest.raises(StaleState, match="Outro usuário alterou este registro ao mesmo tempo"):
        always_conflicts()
    assert len(calls) == CONFLICT_ATTEMPTS


def test_a_use_case_inside_another_does_not_multiply_the_attempts(monkeypatch):
    monkeypatch.setattr(store_pkg, "CONFLICT_BACKOFF_S", 0)
    inner_calls = []

    @retrying
    def inner() -> None:
        inner_calls.append(1)
        raise WriteConflict()

    @retrying
    def outer() -> None:
        inner()

    with pytest.raises(WriteConflict):
        outer()
    assert len(inner_calls) == CONFLICT_ATTEMPTS
    inner_calls.clear()
    with pytest.raises(WriteConflict):  # and the depth was reset: a later call retries again
        inner()
    assert len(inner_calls) == CONFLICT_ATTEMPTS


def test_other_refusals_are_not_retried():
    calls = []

    @retrying
    def stale() -> None:
        calls.append(1)
        raise StaleState("O atendimento mudou.")

    with pytest.raises(StaleState):
        stale()
    assert len(calls) == 1

"""The Atendimentos count matrix is counted and drawn only while its expander is open (issue 17);
closed, the page counts the total alone, and the total on screen stays right either way."""

from __future__ import annotations

from lib.store import ticket_list as q
from tests.ticket_factory import discount, plain_tickets


def caption(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Atendimentos "))


def counted(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = q.status_department_counts

    def spy(cur, criteria, period):
        calls.append(1)
        return real(cur, criteria, period)

    monkeypatch.setattr(q, "status_department_counts", spy)
    return calls


def test_closed_the_matrix_is_not_counted_open_it_is(logged_in, app_env, monkeypatch):
    discount(app_env, "a")
    plain_tickets(app_env, 3)
    calls = counted(monkeypatch)
    at = logged_in("financeiro")
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    assert calls == []  # closed: the total only
    assert caption(at) == "Atendimentos 1–4 de 4"
    label = next(e.label for e in at.expander if e.label.startswith("Contagem"))
    assert label == "Contagem por status e departamento · 4"
    assert not [b for b in at.button if str(b.key).startswith("tk_cell_")]

    at.session_state["tk_counts_open"] = True  # opened
    at.run()
    assert calls == [1]
    assert caption(at) == "Atendimentos 1–4 de 4"
    assert [b for b in at.button if str(b.key).startswith("tk_cell_")]


def test_the_total_follows_a_save_by_another_tab_while_closed(logged_in, app_env):
    plain_tickets(app_env, 2)
    at = logged_in("atendente")
    at.switch_page("pages/tickets.py").run()
    assert caption(at) == "Atendimentos 1–2 de 2"
    plain_tickets(app_env, 1)  # another session saves
    at.run()
    assert caption(at) == "Atendimentos 1–3 de 3"
    label = next(e.label for e in at.expander if e.label.startswith("Contagem"))
    assert label.endswith("· 3")

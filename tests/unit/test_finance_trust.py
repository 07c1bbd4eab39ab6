"""Issue 11, finance decisions (items 1-5) and the attendant's forward (item 16), through the
use-cases on a real temporary store: every decision bound to what the screen showed, no absurd
amount approved, a checked invoice and an undo, the decision in the history, bulk apply, and
discount requests kept in FINANCEIRO."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from lib import fmt
from lib.domain import Action, DomainError, PermissionDenied, StaleState, next_due_date
from lib.domain import now as clock_now
from lib.store import scalar
from lib.store import tickets as tk
from lib.usecases import (
    bulk_actions,
    discount_requests,
    finance,
    settings,
    ticket_actions,
    ticket_view,
)
from tests.ticket_factory import NOW, discount

LATER = NOW + timedelta(minutes=7)


def state(w, t) -> tuple[str, str | None]:
    with w.store.read() as cur:
        row = cur.execute(
            "SELECT t.status, dr.decision FROM ticket t "
            "LEFT JOIN discount_request dr ON dr.ticket_id = t.id WHERE t.id = ?",
            [t],
        ).fetchone()
    return row[0], row[1]


def snapshot(w, t):
    with w.store.read() as cur:
        return (
            cur.execute(
                "SELECT * FROM ticket t JOIN discount_request d ON d.ticket_id = t.id "
                "WHERE t.id = ?",
                [t],
            ).fetchall(),
            scalar(cur, "SELECT count(*) FROM movement WHERE ticket_id = ?", [t]),
        )


def assumed(w, key="a", **kw) -> int:
    t = discount(w, key, **kw)
    ticket_actions.assume(w.store, w.financeiro, t, now=NOW)
    return t


def approved(w, key="a", **kw) -> int:
    t = assumed(w, key, **kw)
    finance.approve(w.store, w.financeiro, t, now=NOW)
    return t


def set_rule(w, **changes):
    r = settings.current(w.store, w.supervisor)
    values = dict(
        min_minutes=r.min_minutes,
        deadline_days=r.deadline_days,
        max_fee_multiple=r.max_fee_multiple,
        opa_pattern=r.opa_pattern,
        opa_hint=r.opa_hint,
        default_method=r.default_method,
    )
    values.update(changes)
    return settings.update(w.store, w.supervisor, **values)


# --- 1. a stale screen never overrides a decision ----------------------------------------------


def test_the_issue_two_tabs_approve_then_a_stale_cancel_is_refused(world):
    t = assumed(world)
    shown = {"expected_status": "EP", "expected_decision": "pendente"}  # both tabs show this
    finance.approve(world.store, world.financeiro, t, now=NOW, **shown)  # tab A
    before = snapshot(world, t)
    with pytest.raises(
        StaleState,
        match="O desconto foi aprovado por Fábio Financeiro às 15:00 de 30/11/2026",
    ):
        ticket_actions.cancel(world.store, world.supervisor, t, "duplicado", now=LATER, **shown)
    assert snapshot(world, t) == before  # decided_by / decided_at untouched
    _, dr, _ = ticket_actions.ticket_detail(world.store, world.supervisor, t)
    assert (dr["decision"], dr["decided_by"]) == ("aprovado", world.financeiro.id)


def _approve_meanwhile(w, t):
    finance.approve(w.store, w.supervisor, t, now=NOW)


def _signal_meanwhile(w, t):
    discount_requests.record_signal_return(
        w.store, w.supervisor, t, NOW - timedelta(minutes=20), now=NOW
    )


def _suporte(w) -> int:
    with w.store.read() as cur:
        return scalar(cur, "SELECT id FROM department WHERE name = 'SUPORTE'")


# (setup: "assumed" request EP/pendente or "waiting" one N/aguardando_retorno, what someone
# else did meanwhile (the decision moves, the status does not), the stale action)
STALE = {
    "approve": ("assumed", _approve_meanwhile, lambda w, t, **s: finance.approve(
        w.store, w.financeiro, t, "0,50", "acordo", now=LATER, **s)),
    "reject": ("assumed", _approve_meanwhile, lambda w, t, **s: finance.reject(
        w.store, w.financeiro, t, "x", now=LATER, **s)),
    "cancel": ("assumed", _approve_meanwhile, lambda w, t, **s: ticket_actions.cancel(
        w.store, w.financeiro, t, "x", now=LATER, **s)),
    "set_pending": ("assumed", _approve_meanwhile, lambda w, t, **s: ticket_actions.set_pending(
        w.store, w.financeiro, t, "aguardando", now=LATER, **s)),
    "forward": ("assumed", _approve_meanwhile, lambda w, t, **s: ticket_actions.forward(
        w.store, w.financeiro, t, _suporte(w), "x", now=LATER, **s)),
    "mark_applied": ("assumed", _approve_meanwhile, lambda w, t, **s: finance.mark_applied(
        w.store, w.financeiro, t, date(2026, 12, 10), now=LATER, **s)),
    "mark_applied_next_invoice": ("assumed", _approve_meanwhile,
        lambda w, t, **s: finance.mark_applied_next_invoice(
            w.store, w.financeiro, t, now=LATER, **s)),
    "assume": ("waiting", _signal_meanwhile, lambda w, t, **s: ticket_actions.assume(
        w.store, w.financeiro, t, now=LATER, **s)),
    "record_signal_return": ("waiting", _signal_meanwhile,
        lambda w, t, **s: discount_requests.record_signal_return(
            w.store, w.atendente, t, NOW - timedelta(minutes=10), now=LATER, **s)),
    "cancel_waiting": ("waiting", _signal_meanwhile, lambda w, t, **s: ticket_actions.cancel(
        w.store, w.financeiro, t, "x", now=LATER, **s)),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(STALE))
def test_every_action_is_bound_to_the_decision_the_screen_showed(world, name):
    setup, meanwhile, action = STALE[name]
    if setup == "assumed":
        t, shown = assumed(world), {"expected_status": "EP", "expected_decision": "pendente"}
    else:
        t = discount(world, "w", returned=False)
        shown = {"expected_status": "N", "expected_decision": "aguardando_retorno"}
    meanwhile(world, t)
    assert state(world, t)[0] == shown["expected_status"]  # only the decision moved
    before = snapshot(world, t)
    with pytest.raises(StaleState, match=r"por Sara Supervisora às 15:00 de 30/11/2026"):
        action(world, t, **shown)
    assert snapshot(world, t) == before


def test_undo_is_bound_too(world):
    t = approved(world)
    finance.mark_applied(world.store, world.financeiro, t, date(2026, 12, 10), now=NOW)
    finance.undo_applied(world.store, world.supervisor, t, "fatura errada", now=NOW)
    with pytest.raises(StaleState, match="A aplicação do desconto foi desfeita por Sara"):
        finance.undo_applied(
            world.store,
            world.financeiro,
            t,
            "fatura errada",
            now=LATER,
            expected_status="S",
            expected_decision="aplicado",
        )


def test_the_screen_state_that_matches_goes_through(world):
    t = assumed(world)
    finance.approve(
        world.store,
        world.financeiro,
        t,
        now=NOW,
        expected_status="EP",
        expected_decision="pendente",
    )
    assert state(world, t) == ("EP", "aprovado")


def test_bulk_binds_to_the_decision_the_list_showed(world):
    a = discount(world, "a", returned=False)
    b = discount(world, "b", contract="joao", returned=False)
    _signal_meanwhile(world, b)  # the list showed b waiting; now it is pending
    out = bulk_actions.run_bulk(
        world.store,
        world.financeiro,
        Action.ASSUMIR,
        [(a, "A", "N", "aguardando_retorno"), (b, "B", "N", "aguardando_retorno")],
    )
    assert [o.ok for o in out] == [True, False]
    assert "O retorno do sinal foi registrado por Sara Supervisora" in out[1].message
    assert state(world, b) == ("N", "pendente")


# --- 2. no absurd amount approved ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0", "0,00", "R$ 0,00", Decimal("0")])
def test_zero_is_a_rejection(world, typed):
    t = assumed(world)
    before = snapshot(world, t)
    with pytest.raises(DomainError, match="use Reprovar"):
        finance.approve(world.store, world.supervisor, t, typed, "zero", now=NOW)
    assert snapshot(world, t) == before


def test_a_computed_zero_is_a_rejection_too(world):
    t = discount(world, "z", returned=False)
    discount_requests.record_signal_return(
        world.store, world.atendente, t, NOW - timedelta(hours=6) + timedelta(minutes=5), now=NOW
    )  # 5 min: under the 10-minute minimum, R$ 0,00
    ticket_actions.assume(world.store, world.financeiro, t, now=NOW)
    with pytest.raises(DomainError, match="Reprovar"):
        finance.approve(world.store, world.financeiro, t, now=NOW)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e1", "Valor ajustado: Valor inválido: 1e1"),
        ("99.999.999.999,99", "Valor ajustado: Valor alto demais"),
        ("-3", "negativo"),
        ("1,234", "duas casas"),
    ],
)
def test_absurd_amounts_get_a_pt_br_message(world, typed, message):
    t = assumed(world)
    before = snapshot(world, t)
    with pytest.raises(DomainError, match=message):
        finance.approve(
            world.store, world.supervisor, t, typed, "acordo", now=NOW, confirm_large=True
        )
    assert snapshot(world, t) == before


def test_pt_br_thousands_are_thousands(world):
    t = assumed(world)
    finance.approve(
        world.store, world.supervisor, t, "1.234", "acordo", now=NOW, confirm_large=True
    )
    _, dr, _ = ticket_actions.ticket_detail(world.store, world.supervisor, t)
    assert dr["approved_amount"] == Decimal("1234.00")


def test_large_amount_needs_an_explicit_confirmation_even_from_a_supervisor(world):
    t = assumed(world)  # fee R$ 99,90: 3 fees = R$ 299,70
    with pytest.raises(finance.NeedsConfirmation) as refused:
        finance.approve(world.store, world.supervisor, t, "123456,00", "acordo", now=NOW)
    assert "Confirmo o valor acima de 3 mensalidades" in str(refused.value)
    assert "R$\xa0299,70" in str(refused.value) and refused.value.amount == Decimal("123456.00")
    assert state(world, t) == ("EP", "pendente")
    finance.approve(
        world.store, world.supervisor, t, "123456,00", "acordo", now=NOW, confirm_large=True
    )
    _, dr, history = ticket_actions.ticket_detail(world.store, world.supervisor, t)
    assert dr["approved_amount"] == Decimal("123456.00")
    assert "acima de 3 mensalidades confirmado por Sara Supervisora" in history[0]["note"]


def test_at_the_threshold_no_confirmation_and_the_setting_moves_it(world):
    t = assumed(world)
    finance.approve(world.store, world.supervisor, t, "299,70", "acordo", now=NOW)  # = 3 fees
    u = assumed(world, "b", contract="joao")  # fee R$ 100,00
    set_rule(world, confirm_fee_multiple="10")
    finance.approve(world.store, world.supervisor, u, "500,00", "acordo", now=NOW)
    assert state(world, u) == ("EP", "aprovado")


def test_finance_under_its_cap_still_confirms_above_the_threshold(world):
    set_rule(world, max_fee_multiple="5")  # finance may approve up to 5 fees...
    t = assumed(world)
    with pytest.raises(finance.NeedsConfirmation):  # ...but above 3 it confirms
        finance.approve(world.store, world.financeiro, t, "400,00", "acordo", now=NOW)
    finance.approve(
        world.store, world.financeiro, t, "400,00", "acordo", now=NOW, confirm_large=True
    )


def test_bulk_never_approves_what_needs_a_confirmation(world):
    set_rule(world, confirm_fee_multiple="0,001")  # R$ 0,79 is above 0,001 fee
    t = assumed(world)
    (out,) = bulk_actions.run_bulk(
        world.store, world.financeiro, Action.APROVAR, [(t, "A", "EP", "pendente")]
    )
    assert not out.ok and "aprove este pedido individualmente" in out.message
    assert state(world, t) == ("EP", "pendente")


def test_settings_validate_the_new_rules(world):
    with pytest.raises(DomainError, match="Confirmação acima de"):
        set_rule(world, confirm_fee_multiple="1e1")
    with pytest.raises(DomainError, match="no passado"):
        set_rule(world, invoice_max_age_days=-1)
    with pytest.raises(DomainError, match="31"):
        set_rule(world, invoice_max_ahead_days=10)
    rules = set_rule(
        world, confirm_fee_multiple="2,5", invoice_max_age_days=30, invoice_max_ahead_days=60
    )
    assert (rules.confirm_fee_multiple, rules.invoice_max_age_days) == (Decimal("2.5"), 30)
    assert rules.invoice_max_ahead_days == 60


# --- 3. a checked invoice, its number, and an undo -----------------------------------------------


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (date(2020, 1, 1), "anterior à interrupção \\(30/11/2026\\)"),
        (date(1900, 1, 1), "anterior à interrupção"),
        (date(2026, 11, 29), "anterior à interrupção"),
        (date(9999, 12, 31), "a mais de 120 dias"),
        (date(2027, 3, 31), "a mais de 120 dias"),  # 121 days ahead
    ],
)
def test_an_impossible_invoice_due_date_is_refused(world, due, message):
    t = approved(world)
    before = snapshot(world, t)
    with pytest.raises(DomainError, match=message):
        finance.mark_applied(world.store, world.financeiro, t, due, now=NOW)
    assert snapshot(world, t) == before


def test_an_invoice_too_old_is_refused_and_the_setting_moves_it(world):
    t = approved(world, days_ago=80)  # interruption on 11/09/2026
    old = (NOW - timedelta(days=70)).date()  # after the interruption, but 70 days ago
    with pytest.raises(DomainError, match="há mais de 60 dias"):
        finance.mark_applied(world.store, world.financeiro, t, old, now=NOW)
    set_rule(world, invoice_max_age_days=90)
    finance.mark_applied(world.store, world.financeiro, t, old, now=NOW)
    assert state(world, t) == ("S", "aplicado")


def test_the_invoice_number_is_recorded_as_typed(world):
    t = approved(world)
    with pytest.raises(DomainError, match="no máximo 60"):
        finance.mark_applied(
            world.store, world.financeiro, t, date(2026, 12, 10), now=NOW, invoice_number="9" * 61
        )
    finance.mark_applied(
        world.store,
        world.financeiro,
        t,
        date(2026, 12, 10),
        now=NOW,
        invoice_number="  =FAT-2026\n 001234 ",
    )
    _, dr, history = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert dr["invoice_number"] == "=FAT-2026 001234"  # one line, kept as typed (shown plain)
    assert "fatura nº =FAT-2026 001234, com vencimento em 10/12/2026" in history[0]["note"]
    assert ticket_view.discount_view(world.store, dr)["Fatura (número)"] == "=FAT-2026 001234"


def test_undo_applied_reopens_with_a_reason_in_the_history(world):
    t = approved(world)
    finance.mark_applied(
        world.store, world.financeiro, t, date(2026, 12, 10), now=NOW, invoice_number="777"
    )
    with pytest.raises(PermissionDenied, match="Atendente"):
        finance.undo_applied(world.store, world.atendente, t, "x", now=LATER)
    with pytest.raises(DomainError, match="informe o motivo"):
        finance.undo_applied(world.store, world.financeiro, t, "  ", now=LATER)
    done = finance.undo_applied(
        world.store,
        world.financeiro,
        t,
        "Cobrança recusou o crédito",
        now=LATER,
        expected_status="S",
        expected_decision="aplicado",
    )
    assert "voltou a aprovado" in done.message
    ticket, dr, history = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert (ticket["status"], dr["decision"]) == ("EP", "aprovado")
    assert ticket["closed_at"] is None and ticket["responsible_id"] == world.financeiro.id
    assert (dr["invoice_due_date"], dr["invoice_number"], dr["applied_at"]) == (None, None, None)
    assert dr["approved_amount"] == Decimal("0.79") and dr["decided_by"] == world.financeiro.id
    undo = history[0]
    assert (undo["kind"], undo["from_status"], undo["to_status"]) == (
        "desfazer_aplicacao",
        "S",
        "EP",
    )
    assert (undo["from_decision"], undo["to_decision"]) == ("aplicado", "aprovado")
    assert "fatura nº 777 com vencimento em 10/12/2026" in undo["note"]
    assert "Motivo: Cobrança recusou o crédito" in undo["note"]
    # and the request can be applied again (or cancelled)
    assert Action.APLICAR in ticket_view.available_actions(world.financeiro, ticket, dr)
    finance.mark_applied(world.store, world.financeiro, t, date(2026, 12, 10), now=LATER)
    assert state(world, t) == ("S", "aplicado")


@pytest.mark.parametrize("decision", ["pendente", "aprovado", "reprovado"])
def test_only_an_applied_discount_is_undone(world, decision):
    t = assumed(world)
    if decision == "aprovado":
        finance.approve(world.store, world.financeiro, t, now=NOW)
    if decision == "reprovado":
        finance.reject(world.store, world.financeiro, t, "fora da regra", now=NOW)
    before = snapshot(world, t)
    with pytest.raises(DomainError):
        finance.undo_applied(world.store, world.supervisor, t, "engano", now=LATER)
    assert snapshot(world, t) == before


def test_undo_is_offered_only_on_an_applied_discount(world):
    t = approved(world)
    ticket, dr, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert Action.DESFAZER_APLICACAO not in ticket_view.available_actions(
        world.financeiro, ticket, dr
    )
    finance.mark_applied(world.store, world.financeiro, t, date(2026, 12, 10), now=NOW)
    ticket, dr, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert ticket_view.available_actions(world.financeiro, ticket, dr) == [
        Action.DESFAZER_APLICACAO
    ]
    assert Action.DESFAZER_APLICACAO not in ticket_view.available_actions(
        world.atendente, ticket, dr
    )


# --- 4. the history shows the decision's from/to ------------------------------------------------


def test_history_shows_the_decision_from_and_to(world):
    t = approved(world)
    finance.mark_applied(world.store, world.financeiro, t, date(2026, 12, 10), now=NOW)
    _, _, history = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    rows = ticket_view.history_rows(history)
    assert list(rows["Ação"]) == ["Marcar como aplicado", "Aprovar", "Assumir", "Abertura"]
    assert list(rows["De → Para"])[:2] == [
        "Em progresso → Solucionado",
        "Em progresso → Em progresso",
    ]
    assert list(rows["Decisão"]) == ["Aprovado → Aplicado", "Pendente → Aprovado", "", ""]


def test_history_of_signal_return_reject_and_cancel(world):
    a = discount(world, "a", returned=False)
    _signal_meanwhile(world, a)
    ticket_actions.assume(world.store, world.financeiro, a, now=NOW)
    finance.reject(world.store, world.financeiro, a, "fora da regra", now=NOW)
    b = discount(world, "b", contract="joao")
    ticket_actions.cancel(world.store, world.financeiro, b, "duplicado", now=NOW)
    decisions = {
        t: list(
            ticket_view.history_rows(
                ticket_actions.ticket_detail(world.store, world.financeiro, t)[2]
            )["Decisão"]
        )
        for t in (a, b)
    }
    assert decisions[a][:4] == [
        "Pendente → Reprovado",
        "",
        "Aguardando retorno do sinal → Pendente",
        "",
    ]
    assert decisions[b][0] == "Pendente → Cancelado"


def test_a_ticket_of_another_subject_has_no_decision_column(world):
    from tests.ticket_factory import plain_tickets

    (t,) = plain_tickets(world, 1)
    ticket_actions.assume(world.store, world.atendente, t, now=NOW)
    history = ticket_actions.ticket_detail(world.store, world.atendente, t)[2]
    assert "Decisão" not in ticket_view.history_rows(history).columns


def test_movements_loaded_without_decisions_are_filled(world):
    t = approved(world)
    with world.store.transaction() as cur:
        cur.execute("UPDATE movement SET from_decision = NULL, to_decision = NULL")
        assert tk.fill_decision_history(cur) == 1  # the approval
        assert tk.fill_decision_history(cur) == 0
    _, _, history = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert (history[0]["from_decision"], history[0]["to_decision"]) == ("pendente", "aprovado")


# --- 5. bulk "Marcar como aplicado" -------------------------------------------------------------


def test_bulk_apply_puts_each_on_its_contracts_next_invoice(world):
    a = approved(world, "a")  # maria: due day 10
    b = approved(world, "b", contract="joao")  # joão: due day 5
    c = assumed(world, "c", contract="joao2")  # still pending
    d = approved(world, "d", days_ago=2, contract="joao2")
    e = discount(world, "e", days_ago=1, contract="maria")
    finance.mark_applied(world.store, world.supervisor, d, date(2026, 12, 20), now=NOW)  # faster
    progress = []
    out = bulk_actions.run_bulk(
        world.store,
        world.financeiro,
        Action.APLICAR,
        [
            (a, "A", "EP", "aprovado"),
            (b, "B", "EP", "aprovado"),
            (c, "C", "EP", "pendente"),
            (d, "D", "EP", "aprovado"),
            (e, "E", "N", "pendente"),
        ],
        on_progress=lambda i, n: progress.append(i),
    )
    assert [o.ok for o in out] == [True, True, False, False, False]
    assert progress == [1, 2, 3, 4, 5]
    today = clock_now().date()
    for t, due_day in ((a, 10), (b, 5)):
        _, dr, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
        assert dr["decision"] == "aplicado"
        assert dr["invoice_due_date"] == next_due_date(due_day, today)
        assert fmt.day(dr["invoice_due_date"]) in out[0 if t == a else 1].message
    assert "desconto está pendente" in out[2].message
    assert "marcado como aplicado por Sara Supervisora" in out[3].message
    assert (
        bulk_actions.bulk_summary(Action.APLICAR, out)
        == "Marcar como aplicado em lote: 2 aplicados, 3 recusados."
    )
    (refused,) = bulk_actions.run_bulk(
        world.store, world.atendente, Action.APLICAR, [(c, "C", "EP", "pendente")]
    )
    assert not refused.ok and "Atendente não pode marcar" in refused.message


# --- 16. discount requests stay in FINANCEIRO ---------------------------------------------------


@pytest.mark.parametrize("setup", ["waiting", "pending", "assumed", "approved"])
def test_an_attendant_may_not_forward_a_discount_request(world, setup):
    t = {
        "waiting": lambda: discount(world, "a", returned=False),
        "pending": lambda: discount(world, "a"),
        "assumed": lambda: assumed(world),
        "approved": lambda: approved(world),
    }[setup]()
    before = snapshot(world, t)
    with pytest.raises(PermissionDenied, match="encaminhar atendimentos de desconto"):
        ticket_actions.forward(world.store, world.atendente, t, _suporte(world), "x", now=NOW)
    with pytest.raises(DomainError, match="ficam no FINANCEIRO"):
        ticket_actions.forward(world.store, world.supervisor, t, _suporte(world), "x", now=NOW)
    assert snapshot(world, t) == before
    ticket, dr, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    for user in (world.atendente, world.financeiro, world.supervisor):
        assert Action.ENCAMINHAR not in ticket_view.available_actions(user, ticket, dr)


def test_a_request_that_strayed_may_be_brought_back_by_finance_only(world):
    t = approved(world)
    with world.store.transaction() as cur:  # forwarded before the rule existed
        cur.execute("UPDATE ticket SET department_id = ? WHERE id = ?", [_suporte(world), t])
    ticket, dr, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert Action.ENCAMINHAR in ticket_view.available_actions(world.financeiro, ticket, dr)
    assert Action.ENCAMINHAR not in ticket_view.available_actions(world.atendente, ticket, dr)
    departments = {1: "FINANCEIRO", _suporte(world): "SUPORTE", 4: "NOC"}
    assert ticket_view.forward_targets(ticket, dr, departments) == [1]
    with pytest.raises(DomainError, match="ficam no FINANCEIRO"):
        with world.store.read() as cur:
            noc = scalar(cur, "SELECT id FROM department WHERE name = 'NOC'")
        ticket_actions.forward(world.store, world.financeiro, t, noc, "x", now=NOW)
    with world.store.read() as cur:
        fin = scalar(cur, "SELECT id FROM department WHERE name = 'FINANCEIRO'")
    with pytest.raises(PermissionDenied):
        ticket_actions.forward(world.store, world.atendente, t, fin, "volta", now=NOW)
    ticket_actions.forward(world.store, world.financeiro, t, fin, "volta ao financeiro", now=NOW)
    ticket, dr, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert (ticket["department"], ticket["status"], dr["decision"]) == (
        "FINANCEIRO",
        "N",
        "aprovado",
    )

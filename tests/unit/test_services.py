"""Use-cases on a real temporary DuckDB file: transactions, transitions, permissions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from lib.auth import Role, User
from lib.domain import TZ, DomainError, NotFound, PermissionDenied, StaleState
from lib.store import scalar
from lib.usecases import discount_requests, finance, opening, ticket_actions
from lib.usecases.discount_requests import DiscountRequestInput
from lib.usecases.opening import AddressChoice, TicketExtras

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)


def request(w, **kw) -> DiscountRequestInput:
    base = dict(
        customer_id=w.maria,
        login_id=w.maria_login,
        contract_id=w.maria_contract,
        reason=3,
        occurred_on=NOW.date(),
        opened_at=NOW - timedelta(hours=6),
        signal_returned_at=NOW - timedelta(minutes=20),  # 5 h 40 min
        opa_protocol="OPA12345678",
        description="Cliente relata queda geral no bairro",
    )
    base.update(kw)
    return DiscountRequestInput(**base)


def table_counts(store) -> tuple[int, int, int]:
    with store.read() as cur:
        return tuple(
            scalar(cur, f"SELECT count(*) FROM {t}")
            for t in ("ticket", "movement", "discount_request")
        )


def open_one(w, key="k1", **kw):
    return discount_requests.open_discount_request(
        w.store, w.atendente, request(w, **kw), key, now=NOW
    )


def test_open_creates_ticket_request_and_first_movement(world):
    opened = open_one(world)
    ticket, discount, history = ticket_actions.ticket_detail(
        world.store, world.atendente, opened.ticket_id
    )
    assert opened.created
    assert ticket["subject"] == "DESCONTO EM FATURA"
    assert ticket["department"] == "FINANCEIRO"
    assert (ticket["status"], ticket["origin"], ticket["priority"]) == ("N", "I", "M")
    assert opened.protocol == ticket["protocol"] and len(opened.protocol) == 12
    assert opened.protocol.startswith("2026")
    assert discount["computed_amount"] == Decimal("0.79")
    assert discount["minutes"] == 340 and discount["decision"] == "pendente"
    assert discount["deadline"] == date(2027, 2, 28)
    assert discount["monthly_fee"] == Decimal("99.90")
    for label in (
        "Descrição:",
        "Data ocorrido: 30/11/2026",
        "Hora da abertura do chamado: 30/11/2026 09:00",
        "Hora do retorno do sinal da internet: 30/11/2026 14:40",
        "Período para dar desconto: 30/11/2026 09:00 a 30/11/2026 14:40",
        "Protocolo OPA: OPA12345678",
    ):
        assert label in ticket["message"]
    assert [m["kind"] for m in history] == ["abrir"]
    assert ticket["address"] == "Rua das Flores, 10 - Centro"  # origin Cliente


def test_open_is_idempotent_by_key(world):
    first = open_one(world, "same")
    second = open_one(world, "same")
    assert (second.ticket_id, second.protocol, second.created) == (
        first.ticket_id,
        first.protocol,
        False,
    )
    assert table_counts(world.store) == (1, 1, 1)


def test_protocols_are_unique_and_never_reused(world):
    protocols = {
        open_one(
            world,
            f"k{i}",
            opened_at=NOW - timedelta(days=i + 1, hours=6),
            signal_returned_at=NOW - timedelta(days=i + 1),
            occurred_on=(NOW - timedelta(days=i + 1)).date(),
        ).protocol
        for i in range(5)
    }
    assert len(protocols) == 5
    assert len({p[4:] for p in protocols}) == 5


def test_a_blocking_error_writes_nothing(world):
    with pytest.raises(DomainError, match="OPA"):
        open_one(world, opa_protocol="x")
    with pytest.raises(DomainError, match="futuro"):
        open_one(world, signal_returned_at=NOW + timedelta(hours=1))
    assert table_counts(world.store) == (0, 0, 0)


def test_a_failure_midway_rolls_back_everything(world):
    # The address origin is checked after the protocol was drawn: nothing may remain.
    with pytest.raises(DomainError, match="Endereço"):
        open_one(world, address=AddressChoice("M", ""))
    assert table_counts(world.store) == (0, 0, 0)


def test_login_and_contract_must_belong_to_the_customer(world):
    with pytest.raises(DomainError, match="Contrato"):
        open_one(world, contract_id=world.joao_contracts[0])


def test_save_without_return_then_record_it(world):
    opened = open_one(world, signal_returned_at=None)
    _, discount, _ = ticket_actions.ticket_detail(world.store, world.atendente, opened.ticket_id)
    assert discount["decision"] == "aguardando_retorno" and discount["computed_amount"] is None
    with pytest.raises(DomainError, match="futuro"):
        discount_requests.record_signal_return(
            world.store, world.atendente, opened.ticket_id, NOW + timedelta(hours=1), now=NOW
        )
    done = discount_requests.record_signal_return(
        world.store, world.atendente, opened.ticket_id, NOW - timedelta(minutes=20), now=NOW
    )
    assert "R$\xa00,79" in done.message
    _, discount, history = ticket_actions.ticket_detail(
        world.store, world.atendente, opened.ticket_id
    )
    assert discount["decision"] == "pendente" and discount["computed_amount"] == Decimal("0.79")
    assert history[0]["kind"] == "retorno_sinal"
    with pytest.raises(DomainError):  # only once
        discount_requests.record_signal_return(
            world.store, world.atendente, opened.ticket_id, NOW, now=NOW
        )


def test_the_whole_flow_assume_approve_apply(world):
    t = open_one(world).ticket_id
    fin = world.financeiro
    done = ticket_actions.assume(world.store, fin, t, expected_status="N", now=NOW)
    assert done.message == "Atendimento assumido com sucesso!"
    finance.approve(world.store, fin, t, expected_status="EP", now=NOW)
    finance.mark_applied(world.store, fin, t, date(2026, 12, 10), now=NOW)
    ticket, discount, history = ticket_actions.ticket_detail(world.store, fin, t)
    assert ticket["status"] == "S" and ticket["closed_at"] is not None
    assert ticket["responsible_id"] == fin.id
    assert discount["decision"] == "aplicado" and discount["approved_amount"] == Decimal("0.79")
    assert discount["invoice_due_date"] == date(2026, 12, 10)
    assert [(m["kind"], m["from_status"], m["to_status"]) for m in history] == [
        ("aplicar", "EP", "S"),
        ("aprovar", "EP", "EP"),
        ("assumir", "N", "EP"),
        ("abrir", None, "N"),
    ]
    assert all(m["staff"] for m in history)


def test_approve_with_adjustment_needs_a_reason(world):
    t = open_one(world).ticket_id
    ticket_actions.assume(world.store, world.financeiro, t, now=NOW)
    with pytest.raises(DomainError, match="motivo"):
        finance.approve(world.store, world.financeiro, t, Decimal("5.00"), now=NOW)
    finance.approve(
        world.store, world.financeiro, t, Decimal("5.00"), "Cliente corporativo", now=NOW
    )
    _, discount, history = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert discount["approved_amount"] == Decimal("5.00")
    assert discount["computed_amount"] == Decimal("0.79")
    assert "Cliente corporativo" in history[0]["note"]


def test_above_one_fee_only_a_supervisor_approves(world):
    t = open_one(world).ticket_id
    ticket_actions.assume(world.store, world.financeiro, t, now=NOW)
    with pytest.raises(PermissionDenied, match="mensalidade"):
        finance.approve(world.store, world.financeiro, t, Decimal("150.00"), "Acordo", now=NOW)
    finance.approve(world.store, world.supervisor, t, Decimal("150.00"), "Acordo", now=NOW)
    _, discount, _ = ticket_actions.ticket_detail(world.store, world.supervisor, t)
    assert discount["approved_amount"] == Decimal("150.00")


@pytest.mark.parametrize("bad", ["-1", "abc", "1e1", "1.2345"])  # 1.234 is 1234 in pt-BR
def test_adjusted_amount_must_be_money(world, bad):
    t = open_one(world).ticket_id
    ticket_actions.assume(world.store, world.financeiro, t, now=NOW)
    with pytest.raises(DomainError):
        finance.approve(world.store, world.financeiro, t, bad, "x", now=NOW)


def test_reject_needs_a_reason_and_solves(world):
    t = open_one(world).ticket_id
    ticket_actions.assume(world.store, world.financeiro, t, now=NOW)
    with pytest.raises(DomainError, match="motivo"):
        finance.reject(world.store, world.financeiro, t, "  ", now=NOW)
    finance.reject(world.store, world.financeiro, t, "Fora da área da massiva", now=NOW)
    ticket, discount, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert (ticket["status"], discount["decision"]) == ("S", "reprovado")
    assert discount["decision_reason"] == "Fora da área da massiva"


def test_cancel_needs_a_reason(world):
    t = open_one(world).ticket_id
    with pytest.raises(DomainError, match="motivo"):
        ticket_actions.cancel(world.store, world.financeiro, t, "", now=NOW)
    ticket_actions.cancel(world.store, world.financeiro, t, "Aberto em duplicidade", now=NOW)
    ticket, discount, _ = ticket_actions.ticket_detail(world.store, world.financeiro, t)
    assert (ticket["status"], discount["decision"]) == ("C", "cancelado")


@pytest.mark.parametrize(
    ("setup", "action"),
    [
        ([], lambda s, u, t: finance.approve(s, u, t, now=NOW)),  # not assumed yet
        ([], lambda s, u, t: finance.mark_applied(s, u, t, date(2026, 12, 10), now=NOW)),
        (["assume"], lambda s, u, t: ticket_actions.assume(s, u, t, now=NOW)),  # twice
        (["assume"], lambda s, u, t: finance.mark_applied(s, u, t, date(2026, 12, 10), now=NOW)),
        (["assume", "approve"], lambda s, u, t: finance.approve(s, u, t, now=NOW)),
        (
            ["assume", "approve", "apply"],
            lambda s, u, t: ticket_actions.cancel(s, u, t, "x", now=NOW),
        ),
        (["assume", "approve", "apply"], lambda s, u, t: finance.reject(s, u, t, "x", now=NOW)),
        (["cancel"], lambda s, u, t: ticket_actions.assume(s, u, t, now=NOW)),
        (["cancel"], lambda s, u, t: ticket_actions.add_message(s, u, t, "oi", now=NOW)),
    ],
)
def test_refused_transitions_write_nothing(world, setup, action):
    s, fin = world.store, world.financeiro
    t = open_one(world).ticket_id
    steps = {
        "assume": lambda: ticket_actions.assume(s, fin, t, now=NOW),
        "approve": lambda: finance.approve(s, fin, t, now=NOW),
        "apply": lambda: finance.mark_applied(s, fin, t, date(2026, 12, 10), now=NOW),
        "cancel": lambda: ticket_actions.cancel(s, fin, t, "duplicado", now=NOW),
    }
    for step in setup:
        steps[step]()
    before = table_counts(s)
    with s.read() as cur:
        snapshot = cur.execute(
            "SELECT * FROM ticket t JOIN discount_request d ON d.ticket_id = t.id"
        ).fetchall()
    with pytest.raises(DomainError):
        action(s, fin, t)
    assert table_counts(s) == before
    with s.read() as cur:
        assert (
            cur.execute(
                "SELECT * FROM ticket t JOIN discount_request d ON d.ticket_id = t.id"
            ).fetchall()
            == snapshot
        )


def test_a_stale_screen_is_told_who_assumed(world):
    t = open_one(world).ticket_id
    ticket_actions.assume(world.store, world.financeiro, t, expected_status="N", now=NOW)
    with pytest.raises(StaleState, match="já foi assumido por Fábio Financeiro às 15:00"):
        ticket_actions.assume(world.store, world.supervisor, t, expected_status="N", now=NOW)
    with pytest.raises(StaleState):
        ticket_actions.cancel(world.store, world.supervisor, t, "x", expected_status="N", now=NOW)


def test_forward_and_message(world):
    t = _general_ticket(world)  # discount requests stay in FINANCEIRO (test_finance_trust)
    with world.store.read() as cur:
        noc = scalar(cur, "SELECT id FROM department WHERE name = 'NOC'")
    with pytest.raises(DomainError, match="observação"):
        ticket_actions.forward(world.store, world.atendente, t, noc, "", now=NOW)
    ticket_actions.forward(world.store, world.atendente, t, noc, "Verificar CTO", now=NOW)
    ticket_actions.add_message(world.store, world.atendente, t, "Cliente ligou de novo", now=NOW)
    ticket, _, history = ticket_actions.ticket_detail(world.store, world.atendente, t)
    assert ticket["department"] == "NOC" and ticket["status"] == "N"
    assert history[1]["to_department"] == "NOC" and history[1]["from_department"] == "SUPORTE"
    assert history[0]["note"] == "Cliente ligou de novo"


def test_missing_ticket(world):
    with pytest.raises(NotFound):
        ticket_actions.assume(world.store, world.financeiro, 999, now=NOW)


# --- permissions: every use-case refuses a role that may not use it ----------------------------

FINANCE_ONLY = {
    "assume": lambda s, u, t: ticket_actions.assume(s, u, t, now=NOW),
    "approve": lambda s, u, t: finance.approve(s, u, t, now=NOW),
    "reject": lambda s, u, t: finance.reject(s, u, t, "x", now=NOW),
    "apply": lambda s, u, t: finance.mark_applied(s, u, t, date(2026, 12, 10), now=NOW),
    "cancel": lambda s, u, t: ticket_actions.cancel(s, u, t, "x", now=NOW),
}


@pytest.mark.parametrize("name", sorted(FINANCE_ONLY))
def test_an_attendant_may_not_act_as_finance(world, name):
    t = open_one(world).ticket_id
    with pytest.raises(PermissionDenied, match="Atendente"):
        FINANCE_ONLY[name](world.store, world.atendente, t)


def test_an_attendant_may_open_message_forward_and_record_return(world):
    t = open_one(world, signal_returned_at=None).ticket_id
    ticket_actions.add_message(world.store, world.atendente, t, "ok", now=NOW)
    discount_requests.record_signal_return(
        world.store, world.atendente, t, NOW - timedelta(minutes=5), now=NOW
    )


def test_only_a_supervisor_chooses_another_method(world):
    with pytest.raises(PermissionDenied, match="método"):
        open_one(world, method="dia_4h")
    opened = discount_requests.open_discount_request(
        world.store, world.supervisor, request(world, method="dia_4h"), "sup", now=NOW
    )
    _, discount, _ = ticket_actions.ticket_detail(world.store, world.supervisor, opened.ticket_id)
    assert discount["method"] == "dia_4h" and discount["computed_amount"] == Decimal("3.33")


def test_a_switched_off_user_may_do_nothing(world):
    off = User(world.financeiro.id, "financeiro", "Fábio", Role.FINANCEIRO, active=False)
    with pytest.raises(PermissionDenied, match="desativado"):
        ticket_actions.home_counts(world.store, off)
    with pytest.raises(PermissionDenied):
        discount_requests.open_discount_request(world.store, None, request(world), "x", now=NOW)


def test_preview_lists_overlap_with_existing_request(world):
    first = open_one(world)
    preview = discount_requests.preview_discount(
        world.store, world.atendente, request(world, opened_at=NOW - timedelta(hours=3)), now=NOW
    )
    overlap = [f for f in preview.errors if f.code == "sobreposicao"]  # issue 11: it blocks
    assert overlap and f"#{first.ticket_id}" in overlap[0].message
    assert preview.invoice_due_date == date(2026, 12, 10)
    assert preview.calc.amount == Decimal("0.37")  # 160 min


def test_open_general_ticket_with_canned_response(world):
    with world.store.read() as cur:
        subject = scalar(cur, "SELECT id FROM subject WHERE name = 'SEM CONEXÃO'")
        dept = scalar(cur, "SELECT id FROM department WHERE name = 'SUPORTE'")
        canned = scalar(cur, "SELECT id FROM canned_response LIMIT 1")
    data = opening.TicketInput(
        subject_id=subject,
        department_id=dept,
        customer_id=world.joao,
        login_id=world.joao_logins[1],
        contract_id=world.joao_contracts[1],
        address=AddressChoice("L"),
        extras=TicketExtras(priority="A", canned_response_id=canned),
    )
    opened = opening.open_ticket(world.store, world.atendente, data, "g1", now=NOW)
    again = opening.open_ticket(world.store, world.atendente, data, "g1", now=NOW)
    assert again.ticket_id == opened.ticket_id and not again.created
    ticket, discount, history = ticket_actions.ticket_detail(
        world.store, world.atendente, opened.ticket_id
    )
    assert discount is None
    assert ticket["address"] == "Rua B, 20 - Taquaral"
    assert ticket["latitude"] is None and ticket["longitude"] is None  # that login has none
    assert history[0]["customer_visible"] and history[0]["kind"] == "mensagem"
    # login obrigatório
    data.login_id = None
    with pytest.raises(DomainError, match="exige login"):
        opening.open_ticket(world.store, world.atendente, data, "g2", now=NOW)


def _general_ticket(w, key="g"):
    with w.store.read() as cur:
        subject = scalar(cur, "SELECT id FROM subject WHERE name = 'LENTIDÃO'")
        dept = scalar(cur, "SELECT id FROM department WHERE name = 'SUPORTE'")
    data = opening.TicketInput(
        subject_id=subject,
        department_id=dept,
        customer_id=w.maria,
        login_id=w.maria_login,
        contract_id=w.maria_contract,
    )
    return opening.open_ticket(w.store, w.atendente, data, key, now=NOW).ticket_id


def test_general_ticket_pend_resume_solve(world):
    t = _general_ticket(world)
    s, a = world.store, world.atendente
    with pytest.raises(DomainError):  # must be assumed first
        ticket_actions.solve(s, a, t, "Trocado o roteador", now=NOW)
    ticket_actions.assume(s, a, t, now=NOW)
    ticket_actions.set_pending(s, a, t, "Aguardando o cliente reiniciar a ONU", now=NOW)
    ticket_actions.assume(s, a, t, expected_status="P", now=NOW)
    with pytest.raises(DomainError, match="solução"):
        ticket_actions.solve(s, a, t, " ", now=NOW)
    ticket_actions.solve(s, a, t, "Sinal normalizado após troca do conector", now=NOW)
    ticket, _, history = ticket_actions.ticket_detail(s, a, t)
    assert ticket["status"] == "S"
    assert [m["kind"] for m in history] == [
        "solucionar",
        "assumir",
        "pendenciar",
        "assumir",
        "abrir",
    ]


def test_discount_tickets_are_not_solved_by_hand(world):
    t = open_one(world).ticket_id
    ticket_actions.assume(world.store, world.financeiro, t, now=NOW)
    with pytest.raises(DomainError, match="aplicado"):
        ticket_actions.solve(world.store, world.supervisor, t, "x", now=NOW)
    with pytest.raises(PermissionDenied):
        ticket_actions.set_pending(world.store, world.atendente, t, "aguardando", now=NOW)
    ticket_actions.set_pending(
        world.store, world.financeiro, t, "Aguardando a fatura fechar", now=NOW
    )


def test_switched_off_options_are_refused_when_saving(world):
    from lib.store import catalog as cat

    with world.store.transaction() as cur:
        process = scalar(cur, "SELECT id FROM process LIMIT 1")
        cat.update_item(cur, "process", process, {"active": False})
    with pytest.raises(DomainError, match="Processo"):
        open_one(world, extras=TicketExtras(process_id=process))
    from lib.usecases.users import set_active

    set_active(world.store, world.supervisor, world.financeiro.id, False)
    with pytest.raises(DomainError, match="responsável"):
        open_one(world, extras=TicketExtras(responsible_id=world.financeiro.id))
    assert table_counts(world.store) == (0, 0, 0)


def test_an_adjusted_amount_typed_in_pt_br(world):
    t = open_one(world).ticket_id
    ticket_actions.assume(world.store, world.supervisor, t, now=NOW)
    finance.approve(
        world.store,
        world.supervisor,
        t,
        "1.234,50",
        "Acordo comercial",
        now=NOW,
        confirm_large=True,
    )
    _, discount, _ = ticket_actions.ticket_detail(world.store, world.supervisor, t)
    assert discount["approved_amount"] == Decimal("1234.50")

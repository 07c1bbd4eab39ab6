"""Issue 11, the attendant's request: what is saved is what the attendant meant, and every
exception is explicit. Use-cases on a real temporary DuckDB file."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from lib.domain import TZ, DomainError
from lib.store import catalog as cat
from lib.store import rows, scalar
from lib.usecases import (
    discount_requests,
    lookups,
    opening,
    procedure,
    request_form,
    ticket_actions,
)
from lib.usecases.discount_requests import DiscountRequestInput
from lib.usecases.opening import TicketExtras
from lib.usecases.ticket_view import discount_view

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


def open_as(w, user, key, **kw):
    return discount_requests.open_discount_request(w.store, user, request(w, **kw), key, now=NOW)


def preview(w, user=None, **kw):
    return discount_requests.preview_discount(
        w.store, user or w.atendente, request(w, **kw), now=NOW
    )


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def count(store, table: str) -> int:
    with store.read() as cur:
        return int(scalar(cur, f"SELECT count(*) FROM {table}"))


def discount_row(store, ticket_id: int) -> dict:
    with store.read() as cur:
        return rows(cur, "SELECT * FROM discount_request WHERE ticket_id = ?", [ticket_id])[0]


def opening_note(w, ticket_id: int) -> str:
    _, _, history = ticket_actions.ticket_detail(w.store, w.supervisor, ticket_id)
    return next(m["note"] for m in history if m["kind"] == "abrir")


# --- 10. two discounts of one contract never cover the same time, unless a supervisor says so


def test_an_overlapping_request_is_refused(world):
    first = open_as(world, world.atendente, "a")
    later = dict(opened_at=NOW - timedelta(hours=3))  # inside the first one's period
    assert "sobreposicao" in codes(preview(world, **later).errors)
    with pytest.raises(DomainError, match=f"Sobrepõe o desconto #{first.ticket_id}"):
        open_as(world, world.atendente, "b", **later)
    assert count(world.store, "discount_request") == 1


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_only_a_supervisor_releases_an_overlap(world, role):
    open_as(world, world.atendente, "a")
    later = dict(opened_at=NOW - timedelta(hours=3), overlap_override_reason="Dois pontos")
    with pytest.raises(DomainError, match="Só um supervisor"):
        open_as(world, world.user(role), "b", **later)
    assert count(world.store, "discount_request") == 1


def test_a_supervisor_releases_an_overlap_with_a_reason_recorded(world):
    first = open_as(world, world.atendente, "a")
    with pytest.raises(DomainError, match="Sobrepõe"):  # not without a reason, even a supervisor
        open_as(world, world.supervisor, "b", opened_at=NOW - timedelta(hours=3))
    second = open_as(
        world,
        world.supervisor,
        "b",
        opened_at=NOW - timedelta(hours=3),
        overlap_override_reason="  Dois pontos de acesso no mesmo contrato  ",
    )
    row = discount_row(world.store, second.ticket_id)
    assert row["overlap_override_by"] == world.supervisor.id
    assert row["overlap_override_reason"] == "Dois pontos de acesso no mesmo contrato"
    assert row["confirmation_reason"] is None
    note = opening_note(world, second.ticket_id)
    assert f"#{first.ticket_id}" in note and "liberada por Sara Supervisora" in note
    assert "Dois pontos de acesso no mesmo contrato" in note
    view = discount_view(world.store, discount_row_with_names(world, second.ticket_id))
    assert "Dois pontos de acesso" in view["Ressalvas ao registrar"]


def discount_row_with_names(w, ticket_id: int) -> dict:
    _, discount, _ = ticket_actions.ticket_detail(w.store, w.financeiro, ticket_id)
    return discount


def test_a_reason_without_an_overlap_records_nothing(world):
    opened = open_as(world, world.supervisor, "a", overlap_override_reason="sem motivo real")
    row = discount_row(world.store, opened.ticket_id)
    assert row["overlap_override_by"] is None and row["exception_note"] is None
    assert opening_note(world, opened.ticket_id) == "Atendimento aberto."


# --- 11. an exact key comes first, always


def _search(w, text: str) -> list[dict]:
    return lookups.search_customers(w.store, w.atendente, text)


def test_an_exact_login_with_digits_comes_first_among_many_digit_matches(world):
    with world.store.transaction() as cur:
        for n in range(25):  # names before "Zuleica", CPFs and phones holding 331
            cat.insert_customer(
                cur, name=f"Ana {n:02d}", cpf_cnpj=f"331{n:08d}", phones=f"4399{n:03d}3310"
            )
        daniel = cat.insert_customer(
            cur, name="Zuleica Borges", cpf_cnpj="33100000000", phones="43999990331"
        )
        contract = cat.insert_contract(
            cur, customer_id=daniel, plan="Fibra", monthly_fee=100, due_day=5
        )
        login = cat.insert_login(
            cur, customer_id=daniel, contract_id=contract, username="daniel.borges331"
        )
        digit_hits = scalar(
            cur,
            "SELECT count(*) FROM customer WHERE starts_with(cpf_cnpj, '331') "
            "OR contains(phones, '331')",
        )
    assert digit_hits > 20  # the old search filled its 20 places with these, by name
    found = _search(world, "daniel.borges331")
    assert found[0]["id"] == daniel and found[0]["exact"]
    assert (found[0]["login_id"], found[0]["contract_id"]) == (login, contract)
    assert [c["id"] for c in found] == [daniel]  # a login's digits are not a phone or CPF
    assert _search(world, "DANIEL.BORGES331")[0]["id"] == daniel


@pytest.fixture
def crowded(world):
    """Customers whose names sort before Maria's and whose CPF or phone hold her keys."""
    with world.store.transaction() as cur:
        for name, cpf, phones in (
            ("Aarão CNPJ", "52998224725000", None),  # her CPF is this CNPJ's prefix
            ("Abel Fone", "00000000001", f"1199{1000:04d}"),  # her contract number 1000
            ("Abílio Protocolo", "00000000002", "202600000001"),
        ):
            cat.insert_customer(cur, name=name, cpf_cnpj=cpf, phones=phones)
    return world


@pytest.mark.parametrize(
    "text", ["52998224725", "529.982.247-25", " 529 982 247 25 ", "1000"], ids=str.strip
)
def test_an_exact_cpf_or_contract_number_comes_first(crowded, text):
    found = _search(crowded, text)
    assert found[0]["name"] == "Maria da Silva" and found[0]["exact"], found
    assert not any(c["exact"] for c in found[1:])
    assert len(found) >= 2  # the partial matches still follow


def test_a_ticket_protocol_finds_its_customer_first_with_login_and_contract(crowded):
    w = crowded
    with w.store.read() as cur:
        subject = scalar(cur, "SELECT id FROM subject WHERE name = 'LENTIDÃO'")
        dept = scalar(cur, "SELECT id FROM department WHERE name = 'SUPORTE'")
    data = opening.TicketInput(
        subject_id=subject,
        department_id=dept,
        customer_id=w.joao,
        login_id=w.joao_logins[1],
        contract_id=w.joao_contracts[1],
    )
    protocol = opening.open_ticket(w.store, w.atendente, data, "p", now=NOW).protocol
    found = _search(w, protocol)
    assert found[0]["id"] == w.joao and found[0]["exact"]
    assert (found[0]["login_id"], found[0]["contract_id"]) == (
        w.joao_logins[1],
        w.joao_contracts[1],
    )


@pytest.mark.parametrize("text", ["%%", "__", "%a%", "m_ria"])
def test_like_wildcards_typed_are_characters(world, text):
    assert _search(world, text) == []


def test_a_partial_text_is_never_called_exact(world):
    assert not any(c["exact"] for c in _search(world, "joao.sou"))
    assert not any(c["exact"] for c in _search(world, "5299822"))


# --- 13. a date the widget shows is the date saved, or a pt-BR refusal


@pytest.mark.parametrize(
    "change, code, message",
    [
        (
            dict(occurred_on=date(1900, 1, 1)),
            "ocorrido_antigo",
            "A data do ocorrido (01/01/1900) é de mais de 5 anos",
        ),
        (dict(occurred_on=date(9999, 11, 30)), "ocorrido_futuro", "não pode estar no futuro"),
        (
            dict(
                occurred_on=date(1900, 1, 1),
                opened_at=datetime(1900, 1, 1, 10, tzinfo=TZ),
                signal_returned_at=datetime(1900, 1, 1, 12, tzinfo=TZ),
            ),
            "abertura_antiga",
            "A abertura do chamado (01/01/1900)",
        ),
        (
            dict(signal_returned_at=datetime(9999, 11, 30, 10, tzinfo=TZ)),
            "retorno_futuro",
            "não pode estar no futuro",
        ),
        (
            dict(incident_started_at=datetime(1, 1, 1, 0, 0, tzinfo=TZ)),
            "incidente_antigo",
            "O início do incidente (01/01/0001)",
        ),
    ],
    ids=["occurred-1900", "occurred-9999", "opened-1900", "returned-9999", "incident-year-1"],
)
def test_implausible_dates_are_refused_in_pt_br(world, change, code, message):
    found = preview(world, **change)
    assert code in codes(found.errors), found.findings
    assert any(message in f.message for f in found.errors if f.code == code)
    with pytest.raises(DomainError, match=re.escape(message)):
        open_as(world, world.atendente, "k", **change)
    assert count(world.store, "ticket") == 0


@pytest.mark.parametrize(
    "reserved, message",
    [
        (NOW.date() - timedelta(days=1), "29/11/2026 já passou"),
        (date(1900, 1, 1), "01/01/1900 já passou"),
        (date(9999, 11, 30), "30/11/9999 está a mais de um ano"),
    ],
)
def test_a_reserved_date_in_the_past_or_far_ahead_is_refused(world, reserved, message):
    with world.store.read() as cur:  # a subject without a login
        subject = scalar(cur, "SELECT id FROM subject WHERE name = 'INFORMAÇÕES GERAIS'")
        dept = scalar(cur, "SELECT id FROM department WHERE name = 'COMERCIAL'")
    extras = TicketExtras(reserved_date=reserved)
    data = opening.TicketInput(subject_id=subject, department_id=dept, extras=extras)
    with pytest.raises(DomainError, match=f"Data reservada: {re.escape(message)}"):
        opening.open_ticket(world.store, world.atendente, data, "r", now=NOW)
    with pytest.raises(DomainError, match="Data reservada"):
        open_as(world, world.atendente, "d", extras=extras)
    assert count(world.store, "ticket") == 0
    data.extras = TicketExtras(reserved_date=NOW.date())  # today is fine
    opened = opening.open_ticket(world.store, world.atendente, data, "r", now=NOW)
    ticket, _, _ = ticket_actions.ticket_detail(world.store, world.atendente, opened.ticket_id)
    assert ticket["reserved_date"] == NOW.date()


def test_the_form_refuses_visit_dates_no_visit_can_have(world):
    form = request_form.FormInput(
        request(
            world,
            reason=1,
            reason_details={
                "booked_visit_date": date(1900, 1, 1),
                "new_visit_date": date(9999, 1, 1),
            },
        )
    )
    found = {f.code: f.message for f in request_form.form_findings(form, NOW)}
    assert "01/01/1900 é de mais de 5 anos" in found["visita_agendada"]
    assert "01/01/9999 está a mais de um ano" in found["visita_nova"]


# --- 14. the signal's return completes the ticket's procedure text, and the history says so


def test_the_return_recorded_later_completes_the_ticket_text(world):
    opened = open_as(world, world.atendente, "a", signal_returned_at=None)
    ticket, _, _ = ticket_actions.ticket_detail(world.store, world.atendente, opened.ticket_id)
    assert "Hora do retorno do sinal da internet: sinal ainda não retornou" in ticket["message"]
    discount_requests.record_signal_return(
        world.store, world.atendente, opened.ticket_id, NOW - timedelta(minutes=20), now=NOW
    )
    ticket, discount, history = ticket_actions.ticket_detail(
        world.store, world.atendente, opened.ticket_id
    )
    lines = ticket["message"].splitlines()
    assert "Hora do retorno do sinal da internet: 30/11/2026 14:40" in lines
    assert (
        "Período para dar desconto: 30/11/2026 09:00 a 30/11/2026 14:40 (5 h 40 min; R$\xa00,79)"
        in lines
    )
    assert "ainda não retornou" not in ticket["message"] and "a calcular" not in ticket["message"]
    assert (
        lines[0].startswith("Descrição: Rompimento externo")
        and lines[-1] == "Protocolo OPA: OPA12345678"
    )
    note = next(m["note"] for m in history if m["kind"] == "retorno_sinal")
    assert "antes dizia: Hora do retorno do sinal da internet: sinal ainda não retornou" in note
    assert discount["computed_amount"] is not None


def test_completing_leaves_a_text_without_those_lines_as_it_is():
    text = "Cliente ligou.\nPeríodo para dar desconto é um campo do wiki"
    assert procedure.completed_procedure(
        text, ("Hora do retorno do sinal da internet: x", "Período para dar desconto: y")
    ) == (text, [])


# --- 15. a login goes with its own contract only


def test_a_login_with_another_contract_of_the_customer_is_refused(world):
    wrong = dict(
        customer_id=world.joao,
        login_id=world.joao_logins[0],  # contract joao_contracts[0], fee 100.00
        contract_id=world.joao_contracts[1],  # fee 43.20
    )
    found = preview(world, **wrong)
    assert "login_vinculo" in codes(found.errors)
    with pytest.raises(DomainError, match=r"Login: joao\.souza é do contrato"):
        open_as(world, world.atendente, "a", **wrong)
    with world.store.read() as cur:
        subject = scalar(cur, "SELECT id FROM subject WHERE name = 'LENTIDÃO'")
        dept = scalar(cur, "SELECT id FROM department WHERE name = 'SUPORTE'")
    with pytest.raises(DomainError, match="Login: joao.souza"):
        opening.open_ticket(
            world.store,
            world.atendente,
            opening.TicketInput(subject_id=subject, department_id=dept, **wrong),
            "b",
            now=NOW,
        )
    assert count(world.store, "ticket") == 0
    right = dict(wrong, contract_id=world.joao_contracts[0])
    assert open_as(world, world.atendente, "c", **right).created


# --- 17. under the minimum or past the deadline: an explicit confirmation with a reason


@pytest.mark.parametrize(
    "change, code, what",
    [
        (
            dict(signal_returned_at=NOW - timedelta(hours=6) + timedelta(minutes=9)),
            "abaixo_minimo",
            "interrupção abaixo do mínimo",
        ),
        (
            dict(
                occurred_on=(NOW - timedelta(days=91)).date(),
                opened_at=NOW - timedelta(days=91),
                signal_returned_at=NOW - timedelta(days=91) + timedelta(hours=2),
            ),
            "prazo_vencido",
            "ocorrido fora do prazo",
        ),
    ],
    ids=["below-minimum", "past-deadline"],
)
def test_an_exception_needs_a_confirmation_with_a_reason(world, change, code, what):
    found = preview(world, **change)
    assert found.needs_confirmation and code in codes(found.errors)
    for reason in ("", "   "):
        with pytest.raises(DomainError, match="confirme e escreva o motivo"):
            open_as(world, world.atendente, "a", confirmation_reason=reason, **change)
    assert count(world.store, "ticket") == 0
    reason = "=Cliente insiste; **gerente** autorizou"
    assert code in codes(preview(world, confirmation_reason=reason, **change).warnings)
    opened = open_as(world, world.atendente, "a", confirmation_reason=reason, **change)
    row = discount_row(world.store, opened.ticket_id)
    assert row["confirmation_reason"] == reason and row["overlap_override_by"] is None
    assert what in row["exception_note"] and "confirmado por Ana Atendente" in row["exception_note"]
    assert reason in opening_note(world, opened.ticket_id)
    view = discount_view(world.store, discount_row_with_names(world, opened.ticket_id))
    assert reason in view["Ressalvas ao registrar"]  # what finance reads


def test_a_confirmation_without_an_exception_is_not_stored(world):
    opened = open_as(world, world.atendente, "a", confirmation_reason="por via das dúvidas")
    row = discount_row(world.store, opened.ticket_id)
    assert row["confirmation_reason"] is None and row["exception_note"] is None
    view = discount_view(world.store, discount_row_with_names(world, opened.ticket_id))
    assert view["Ressalvas ao registrar"] == "—"


# --- 18. the greeting skips titles


@pytest.mark.parametrize(
    "name, first",
    [
        ("Dr. João Souza", "João"),
        ("DRA MARIA LIMA", "Maria"),
        ("sr. pedro alves", "Pedro"),
        ("Sra Ana", "Ana"),
        ("Srta. Bia Reis", "Bia"),
        ("Sr(a). Dr. Zé Silva", "Zé"),
        ("Dra.Helena Costa", "Helena"),
        ("Prof.ª Clara Nunes", "Clara"),
        ("Eng. Carlos Dias", "Carlos"),
        ("Dona Ivone Lara", "Ivone"),
        ("Drauzio Varella", "Drauzio"),  # a name that starts like a title is a name
        ("Denise Fraga", "Denise"),
        ("Maria da Silva", "Maria"),
        ("Dr.", "cliente"),
        ("", "cliente"),
    ],
)
def test_the_greeting_skips_titles(name, first):
    assert request_form.first_name(name) == first
    script = request_form.customer_script(name, "202600000001", None, waiting=False)
    assert script.startswith(f"Sr(a). {first}, seu pedido de desconto")


# --- 19. the incident's start: a later one is said to be ignored; an earlier one moves the day


def test_an_incident_start_after_the_opening_is_said_to_be_ignored(world):
    found = preview(world, incident_started_at=NOW - timedelta(hours=1))
    warning = [f for f in found.warnings if f.code == "incidente_depois"]
    assert warning and "o início do incidente não é usado" in warning[0].message
    assert found.period_start == NOW - timedelta(hours=6)


def test_the_data_ocorrido_may_not_be_after_the_interruption_start(world):
    yesterday = NOW - timedelta(days=1)
    found = preview(world, incident_started_at=yesterday)
    assert "ocorrido_depois_inicio" in codes(found.errors)
    assert "30/11/2026" in found.errors[0].message and "29/11/2026" in found.errors[0].message
    ok = preview(world, incident_started_at=yesterday, occurred_on=yesterday.date())
    assert not ok.errors and ok.deadline == yesterday.date() + timedelta(days=90)
    # reasons 1 and 2 have no incident: their start is the opening
    assert not preview(world, reason=2, incident_started_at=yesterday).errors

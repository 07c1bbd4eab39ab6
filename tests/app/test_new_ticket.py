"""Novo atendimento through app.py: subject defaults, address origins, required fields, saving,
assuming with the procedure's confirmation text, and the ?cliente= entry from a customer."""

from __future__ import annotations

import pytest

from lib.domain import DISCOUNT_SUBJECT, PRIORITY_LABELS
from lib.store import catalog as cat
from lib.store import scalar
from lib.usecases import opening, ticket_actions
from tests.app.conftest import refused

PAGE = "pages/new_ticket.py"


def k(at, name: str) -> str:
    """The current key of a form widget (the form moves to fresh keys after each save)."""
    gen = at.session_state["nt__generation"] if "nt__generation" in at.session_state else 0
    return f"nt{gen}_{name}"


@pytest.fixture
def form(logged_in):
    def make(role: str = "atendente", cliente: int | None = None):
        at = logged_in(role)
        if cliente is not None:
            at.query_params["cliente"] = str(cliente)
        at.switch_page(PAGE).run()
        assert not at.exception, at.exception
        return at

    return make


def subjects(store) -> list[dict]:
    with store.read() as cur:
        return [
            s
            for s in cat.list_items(cur, "subject", only_active=True)
            if s["name"] != DISCOUNT_SUBJECT
        ]


def item_id(store, table, name) -> int:
    with store.read() as cur:
        return cat.find_item(cur, table, name)["id"]


def pick_customer(at, text):
    at.text_input(key=k(at, "q")).input(text).run()
    assert not at.exception, at.exception
    return at


def choose_subject(at, store, name):
    at.selectbox(key=k(at, "subject")).set_value(item_id(store, "subject", name)).run()
    assert not at.exception, at.exception
    return at


def address_fields(at) -> tuple[str, str, str]:
    def value(label):
        found = [t for t in at.text_input if t.label == label]
        assert len(found) == 1, label
        return found[0].value

    return value("Endereço"), value("Latitude"), value("Longitude")


def save(at):
    at.button(key="novo_save").click().run()
    assert not at.exception, at.exception
    return at


def ticket_count(store) -> int:
    with store.read() as cur:
        return scalar(cur, "SELECT count(*) FROM ticket")


def test_fields_follow_the_procedure_and_required_ones_are_marked(form, app_env):
    at = form()
    pick_customer(at, "Maria")
    labels = [e.label for e in at.main if getattr(e, "label", None) and e.type != "button"]
    order = [
        "ID",
        "Protocolo",
        "Cliente",
        "Login",
        "Contrato",
        "Assunto",
        "Descrição do assunto",
        "Origem do endereço",
        "Endereço",
        "Latitude",
        "Longitude",
        "Processo",
        "Departamento",
        "Técnico responsável",
        "Prioridade",
        "Data reservada",
        "Melhor horário reserva",
        "Origem",
        "Resposta padrão",
        "Mensagem",
        "Interação pendente",
        "Status",
        "Status complementar",
    ]
    assert [label for label in labels if label in order] == order
    assert any("Campos marcados são obrigatórios." in c.value for c in at.caption)
    required = {e.label for e in at.main if getattr(getattr(e, "proto", None), "required", False)}
    assert {
        "Assunto",
        "Departamento",
        "Prioridade",
        "Origem",
        "Interação pendente",
        "Status",
    } <= required
    assert not {"Login", "Contrato", "Processo", "Mensagem"} & required
    assert at.text_input(key="novo_status").value == "Novo"
    assert at.text_input(key="novo_status").disabled
    assert at.selectbox(key="novo_ticket_origin").value == "I"
    assert at.selectbox(key="novo_ticket_origin").disabled
    assert "número que você informa ao cliente" in at.text_input(key="novo_protocol").help

    choose_subject(at, app_env.store, "SEM CONEXÃO")  # login obrigatório
    required = {e.label for e in at.main if getattr(getattr(e, "proto", None), "required", False)}
    assert {"Login", "Contrato"} <= required


def test_each_subject_brings_its_defaults(form, app_env):
    at = form()
    for subject in subjects(app_env.store):
        at.selectbox(key=k(at, "subject")).set_value(subject["id"]).run()
        assert not at.exception, at.exception
        assert at.text_area(key=k(at, "description")).value == subject["description"]
        assert at.selectbox(key=k(at, "department")).value == subject["department_id"]
        assert at.selectbox(key=k(at, "priority")).value == subject["priority"], subject["name"]
    # the attendant may edit the description; it is what the ticket records
    choose_subject(at, app_env.store, "LENTIDÃO")
    at.text_area(key=k(at, "description")).input("Lentidão à noite, só no Wi-Fi").run()
    pick_customer(at, "Maria")
    save(at)
    with app_env.store.read() as cur:
        desc = scalar(cur, "SELECT subject_description FROM ticket")
    assert desc == "Lentidão à noite, só no Wi-Fi"


def test_the_discount_subject_is_not_offered(form, app_env):
    at = form()
    assert (
        item_id(app_env.store, "subject", DISCOUNT_SUBJECT)
        not in at.selectbox(key=k(at, "subject")).options
    )


@pytest.mark.parametrize(
    ("origin", "pair", "expected"),
    [  # pair: which of João's logins, with its own contract (issue 11: never another's)
        ("C", 0, ("Av. Brasil, 500 - Taquaral", "", "")),  # the customer has no lat/long
        ("L", 0, ("Av. Brasil, 500 - Taquaral", "-22.870000", "-47.050000")),
        ("CC", 1, ("Rua B, 20 - Taquaral", "", "")),  # second contract: no lat/long
    ],
)
def test_address_origins_fill_address_and_coordinates(form, app_env, origin, pair, expected):
    at = pick_customer(form(), "João")
    w = app_env
    at.selectbox(key=k(at, f"login_{w.joao}")).set_value(w.joao_logins[pair]).run()
    at.selectbox(key=k(at, f"contract_{w.joao}_{w.joao_logins[pair]}")).set_value(
        w.joao_contracts[pair]
    ).run()
    at.radio(key=k(at, "origin")).set_value(origin).run()
    assert not at.exception, at.exception
    address, lat, lon = address_fields(at)
    assert (address, lat, lon) == expected
    assert all(t.disabled for t in at.text_input if t.label in ("Latitude", "Longitude"))
    choose_subject(at, w.store, "LENTIDÃO")
    save(at)
    with w.store.read() as cur:
        row = cur.execute(
            "SELECT address_origin, address, latitude, longitude FROM ticket"
        ).fetchone()
    assert row[0] == origin and row[1] == expected[0]
    assert (row[2] is None) == (expected[1] == "")


def test_the_customer_origin_with_coordinates(form, app_env):
    at = pick_customer(form(), "Maria")
    assert address_fields(at) == ("Rua das Flores, 10 - Centro", "-22.900000", "-47.060000")


def test_manual_address_is_typed_and_has_no_coordinates(form, app_env):
    at = pick_customer(form(), "Maria")
    at.radio(key=k(at, "origin")).set_value("M").run()
    choose_subject(at, app_env.store, "LENTIDÃO")
    save(at)
    assert (
        refused(at.session_state["novo_error"]) == "Endereço: com origem Manual, digite o endereço."
    )
    assert refused(at.error[0].value) == "Endereço: com origem Manual, digite o endereço."
    at.text_input(key=k(at, "manual_address")).input("Rua Nova, 99 - Cambuí").run()
    assert address_fields(at)[1:] == ("", "")
    save(at)
    with app_env.store.read() as cur:
        row = cur.execute("SELECT address, latitude, longitude FROM ticket").fetchone()
    assert row == ("Rua Nova, 99 - Cambuí", None, None)


def test_required_fields_are_refused_in_portuguese_naming_the_field(form, app_env):
    at = form()
    key_before = None
    save(at)
    assert refused(at.error[0].value) == "Assunto: escolha o assunto do atendimento."
    key_before = at.session_state[k(at, "__idem")]
    choose_subject(at, app_env.store, "INFORMAÇÕES GERAIS")
    at.selectbox(key=k(at, "department")).set_value(None).run()
    save(at)
    assert refused(at.error[0].value) == "Departamento: escolha o departamento do atendimento."
    # login obrigatório: João has two logins and two contracts, none chosen yet
    pick_customer(at, "João")
    choose_subject(at, app_env.store, "SEM CONEXÃO")
    save(at)
    assert (
        refused(at.error[0].value)
        == "Login e Contrato: o assunto SEM CONEXÃO exige login e contrato."
    )
    assert ticket_count(app_env.store) == 0
    assert at.session_state[k(at, "__idem")] == key_before  # kept until a save succeeds
    w = app_env
    at.selectbox(key=k(at, f"login_{w.joao}")).set_value(w.joao_logins[1]).run()
    assert (
        at.selectbox(key=k(at, f"contract_{w.joao}_{w.joao_logins[1]}")).value
        == (w.joao_contracts[1])
    )  # the login's contract comes pre-selected
    save(at)
    assert ticket_count(app_env.store) == 1
    assert "novo_error" not in at.session_state
    with app_env.store.read() as cur:
        row = cur.execute("SELECT idempotency_key, login_id, contract_id FROM ticket").fetchone()
    assert row == (key_before, w.joao_logins[1], w.joao_contracts[1])


def test_a_subject_without_login_obrigatorio_saves_without_customer(form, app_env):
    at = form()
    choose_subject(at, app_env.store, "ROMPIMENTO DE FIBRA")
    save(at)
    assert not at.error
    assert ticket_count(app_env.store) == 1


def test_saving_shows_id_protocol_and_status_then_assuming(form, app_env):
    w = app_env
    at = pick_customer(form(), "Maria")
    choose_subject(at, w.store, "SEM CONEXÃO")
    at.selectbox(key=k(at, "process")).set_value(item_id(w.store, "process", "Instalação")).run()
    at.selectbox(key=k(at, "responsible")).set_value(w.financeiro.id).run()
    at.selectbox(key=k(at, "priority")).set_value("C").run()
    at.selectbox(key=k(at, "best_time")).set_value("T").run()
    at.selectbox(key=k(at, "canned")).set_value(
        item_id(w.store, "canned_response", "Recebemos sua solicitação")
    ).run()
    at.text_area(key=k(at, "message")).input("Sem sinal desde as 8h; LED LOS vermelho.").run()
    at.selectbox(key=k(at, "pending")).set_value("I").run()
    at.selectbox(key=k(at, "complementary")).set_value(
        item_id(w.store, "complementary_status", "Aguardando visita")
    ).run()
    key = at.session_state[k(at, "__idem")]
    save(at)

    ticket, _, history = ticket_actions.ticket_detail(w.store, w.atendente, 1)
    assert ticket["status"] == "N" and ticket["origin"] == "I"
    assert (ticket["subject"], ticket["department"]) == ("SEM CONEXÃO", "SUPORTE")
    assert (ticket["login"], ticket["contract_id"]) == ("maria.silva", w.maria_contract)
    assert ticket["process"] == "Instalação"
    assert ticket["responsible"] == "Fábio Financeiro"
    assert (ticket["priority"], ticket["best_time"], ticket["pending_interaction"]) == (
        "C",
        "T",
        "I",
    )
    assert ticket["complementary_status"] == "Aguardando visita"
    assert ticket["message"] == "Sem sinal desde as 8h; LED LOS vermelho."
    canned = [m for m in history if m["kind"] == "mensagem"]
    assert len(canned) == 1 and canned[0]["customer_visible"]
    assert canned[0]["note"].startswith("Olá! Recebemos sua solicitação")

    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"ID": "1", "Protocolo": ticket["protocol"], "Status": "Novo"}
    assert ticket["protocol"] in at.info[0].value
    # the form is cleared, with a new idempotency key for the next ticket
    assert at.selectbox(key=k(at, "subject")).value is None
    assert at.text_area(key=k(at, "message")).value == ""
    assert at.session_state[k(at, "__idem")] != key
    # the customer's tickets list shows it
    recent = at.dataframe[1].value
    assert list(recent["Protocolo"]) == [ticket["protocol"]]

    at.button(key="novo_assume").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Atendimento assumido com sucesso!"
    assert {m.label: m.value for m in at.metric}["Status"] == "Em progresso"
    history = at.dataframe[0].value
    assert history["Movimentação"][0] == "Assumir"
    assert history["Status"][0] == "Novo → Em progresso"
    assert history["Quem"][0] == "Ana Atendente"
    assert not [b for b in at.button if b.key == "novo_assume"]  # nothing left to assume


def test_saving_twice_with_the_same_key_opens_one_ticket(form, app_env):
    at = pick_customer(form(), "Maria")
    choose_subject(at, app_env.store, "INFORMAÇÕES GERAIS")
    key = at.session_state[k(at, "__idem")]
    # a second session holding the same key (a double submit) saved first
    opening.open_ticket(
        app_env.store,
        app_env.atendente,
        opening.TicketInput(
            subject_id=item_id(app_env.store, "subject", "INFORMAÇÕES GERAIS"),
            department_id=item_id(app_env.store, "department", "COMERCIAL"),
            customer_id=app_env.maria,
        ),
        key,
    )
    save(at)
    assert ticket_count(app_env.store) == 1
    assert {m.label: m.value for m in at.metric}["ID"] == "1"


def test_opened_from_a_customer_the_customer_is_filled(form, app_env):
    w = app_env
    at = form(cliente=w.joao)
    assert any("Cliente > Atendimentos > Novo" in c.value for c in at.caption)
    customer = at.selectbox(key=k(at, "customer"))
    assert customer.value == w.joao and customer.disabled
    assert any("João Souza" in o for o in customer.options)
    # several logins and contracts: listed to choose from
    assert at.selectbox(key=k(at, f"login_{w.joao}")).options == [
        "joao.loja · CTO-TAQ-004 · Taquaral",
        "joao.souza · CTO-TAQ-003 · Taquaral",
    ]
    assert len(at.selectbox(key=k(at, f"contract_{w.joao}_None")).options) == 2
    at.selectbox(key=k(at, f"login_{w.joao}")).set_value(w.joao_logins[0]).run()
    choose_subject(at, w.store, "LENTIDÃO")
    save(at)
    with w.store.read() as cur:
        row = cur.execute("SELECT customer_id, login_id, contract_id FROM ticket").fetchone()
    assert row == (w.joao, w.joao_logins[0], w.joao_contracts[0])
    # still on the same customer for the next ticket, even once the query string is gone
    at.query_params.clear()
    at.run()
    assert at.selectbox(key=k(at, "customer")).value == w.joao
    assert at.selectbox(key=k(at, "customer")).disabled
    at.button(key="novo_other_customer").click().run()
    assert not at.exception, at.exception
    assert at.text_input(key=k(at, "q")).value == ""
    assert at.selectbox(key=k(at, "customer")).value is None


def test_an_unknown_customer_in_the_address_says_so(form, app_env):
    at = form(cliente=9999)
    assert at.error[0].value == "Cliente não encontrado."


def test_priority_labels_are_the_procedures(form):
    at = form()
    sb = at.selectbox(key=k(at, "priority"))
    assert sb.options == list(PRIORITY_LABELS.values())
    assert sb.value == "M"


def test_a_network_ticket_without_customer_takes_a_typed_address(form, app_env):
    at = form()
    choose_subject(at, app_env.store, "ROMPIMENTO DE FIBRA")  # no login obrigatório
    at.text_input(key=k(at, "manual_address")).input("Av. Brasil, altura do nº 900").run()
    save(at)
    with app_env.store.read() as cur:
        row = cur.execute(
            "SELECT customer_id, address_origin, address, latitude FROM ticket"
        ).fetchone()
    assert row == (None, "M", "Av. Brasil, altura do nº 900", None)

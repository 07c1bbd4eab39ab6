"""Issue 14's pages through AppTest: Clientes (search, record, hand-made records, roles),
Faturamento (a batch from one click, a second click makes no second batch) and who sees what."""

from __future__ import annotations

from datetime import date, timedelta

from lib.domain import now as clock_now
from lib.usecases import billing, finance, ticket_actions
from tests.ticket_factory import discount


def open_page(logged_in, role, path):
    at = logged_in(role)
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def test_clientes_search_and_record(logged_in, app_env):
    at = open_page(logged_in, "atendente", "pages/customers.py")
    at.text_input(key="cl_q").input("maria").run()
    assert "Maria da Silva" in set(at.dataframe[0].value["Cliente"])
    at.session_state["cl_open"] = app_env.maria
    at.run()
    assert not at.exception, at.exception
    assert at.subheader[0].value == "Maria da Silva"
    assert [t.label for t in at.tabs] == ["Contratos e logins", "Atendimentos", "Descontos por ano"]
    # an attendant reads; only a supervisor gets the forms
    assert not [e for e in at.expander if e.label in ("Novo cliente", "Editar cliente")]


def test_supervisor_creates_a_customer_by_hand(logged_in, app_env):
    at = open_page(logged_in, "supervisor", "pages/customers.py")
    form = "FormSubmitter:cl_new0_form-Salvar cliente"
    at.text_input[1].input("Bruna Tavares")  # [0] is the search
    at.text_input[2].input("476.614.355-87")  # wrong check digit
    at.button(key=form).click().run()
    assert "dígitos verificadores não conferem" in at.error[0].value
    at.text_input[2].input("476.614.355-86")
    at.button(key=form).click().run()
    assert at.success[0].value == "Cliente salvo."
    assert at.subheader[0].value == "Bruna Tavares"
    # the new-customer form comes back empty (a second save would be refused: same CPF)
    assert "FormSubmitter:cl_new1_form-Salvar cliente" in [b.key for b in at.button]


def test_finance_creates_one_batch_even_when_clicked_twice(logged_in, app_env):
    w = app_env
    t = discount(w, "b1")
    now = clock_now()
    ticket_actions.assume(w.store, w.financeiro, t, now=now)
    finance.approve(w.store, w.financeiro, t, now=now)
    at = open_page(logged_in, "financeiro", "pages/billing.py")
    at.date_input(key="bl_end").set_value(date.today() + timedelta(days=45)).run()
    button = at.button(key="bl_create")
    assert button.label == "Criar lote com 1 desconto"
    button.click().run()
    assert "Lote nº 1 criado: 1 desconto" in at.success[0].value
    assert [b.key for b in at.button if b.key == "bl_create"] == []  # nothing left to send
    assert len(billing.batches(w.store, w.financeiro)) == 1


def test_who_sees_the_new_pages(app_env):
    from ui.navigation import visible_pages

    seen = {
        role: {spec.title for spec in visible_pages(app_env.user(role))}
        for role in ("atendente", "financeiro", "supervisor")
    }
    new = {"Clientes", "Faturamento", "Importar do IXC"}
    assert seen["atendente"] & new == {"Clientes"}
    assert seen["financeiro"] & new == {"Clientes", "Faturamento"}
    assert seen["supervisor"] & new == new


def _links(at) -> dict[str, object]:
    return {link.proto.label: link.proto for link in at.get("page_link")}


def test_discount_form_and_ticket_detail_link_to_the_customer(logged_in, app_env):
    w = app_env
    at = open_page(logged_in, "atendente", "pages/discount_request.py")
    at.text_input(key="dr0_q").input("maria").run()
    link = _links(at)["Ver cadastro do cliente"]
    assert (link.page, link.query_string) == ("clientes", f"id={w.maria}")

    t = discount(w, "l1")
    now = clock_now()
    ticket_actions.assume(w.store, w.financeiro, t, now=now)
    finance.approve(w.store, w.financeiro, t, now=now)
    billing.create_batch(w.store, w.financeiro, date.today(), date.today() + timedelta(days=45))
    at = logged_in("financeiro")
    at.query_params["id"] = str(t)
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    link = _links(at)["Ver cadastro do cliente"]
    assert (link.page, link.query_string) == ("clientes", f"id={w.maria}")
    badges = [str(b.proto) for b in at.get("badge")] + [m.value for m in at.markdown]
    assert [b for b in badges if "Enviado ao faturamento · lote nº 1" in b], badges


def test_importar_without_api_configuration_says_how(logged_in, monkeypatch, tmp_path):
    monkeypatch.setenv("DESCONTO_SECRETS", str(tmp_path / "none.toml"))
    at = open_page(logged_in, "supervisor", "pages/ixc_import.py")
    assert any("A API do IXC não está configurada" in i.value for i in at.info)
    assert [b for b in at.button if b.key == "ixc_import"][0].disabled  # nothing simulated yet


def test_importar_syncs_from_the_local_ixc_server(logged_in, app_env, monkeypatch, tmp_path):
    from tests.fake_ixc import TOKEN, FakeIxc, rows_of

    fake = FakeIxc(
        tables={
            "cliente": rows_of("clientes.csv"),
            "cliente_contrato": rows_of("contratos.csv"),
            "radusuarios": rows_of("logins.csv"),
        }
    ).start()
    try:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(f'[ixc]\nurl = "{fake.url}"\ntoken = "{TOKEN}"\npage_size = 3\n')
        monkeypatch.setenv("DESCONTO_SECRETS", str(secrets))
        at = open_page(logged_in, "supervisor", "pages/ixc_import.py")
        at.button(key="ixc_api_dry").click().run()
        assert not at.exception, at.exception
        assert any(m.value == "**Simulação: nada gravado**" for m in at.markdown)
        assert at.metric[0].value == "4"  # customers to create
        at.button(key="ixc_api_run").click().run()
        assert any(m.value == "**Resultado da sincronização**" for m in at.markdown)
        runs = at.dataframe[-1].value
        assert set(runs["Origem"]) == {"API"} and sorted(runs["Criados"]) == [3, 4, 4]
        # a wrong token: the page says so, nothing more is written
        secrets.write_text(f'[ixc]\nurl = "{fake.url}"\ntoken = "7:errado"\n')
        at.button(key="ixc_api_run").click().run()
        assert any("recusou o token" in e.value for e in at.error)
    finally:
        fake.stop()

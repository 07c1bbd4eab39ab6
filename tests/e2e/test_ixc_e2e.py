"""Issue 14 in real Chromium: a supervisor imports small IXC listings (simulate, then import)
and the new customer is found, with her login and contract, in the discount form."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot, wait_idle

pytestmark = pytest.mark.e2e
DATA = Path(__file__).resolve().parents[1] / "data" / "ixc"


def test_supervisor_imports_ixc_files_and_the_customer_is_in_the_discount_form(server, page):
    login(page, server.url, "supervisor")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Importar do IXC").click()
    wait_idle(page)
    page.get_by_role("heading", name="Importar do IXC").wait_for()
    for kind, name in [
        ("cliente", "clientes.csv"),
        ("cliente_contrato", "contratos.csv"),
        ("radusuarios", "logins.csv"),
    ]:
        page.locator(f".st-key-ixc_up_{kind} input[type='file']").set_input_files(str(DATA / name))
        page.locator(f".st-key-ixc_up_{kind}").get_by_text(name).wait_for()
        wait_idle(page)
    # nothing can be imported before a simulation
    assert page.get_by_role("button", name="Importar", exact=True).is_disabled()
    page.get_by_role("button", name="Simular importação").click()
    wait_idle(page)
    page.get_by_text("Simulação: nada foi gravado ainda").wait_for()
    assert page.get_by_text("A criar").count() == 3
    screenshot(page, "ixc-dry-run")
    page.get_by_role("button", name="Importar", exact=True).click()
    wait_idle(page)
    page.get_by_text("Importação concluída").wait_for()
    assert (
        "Clientes (clientes.csv): 4 criados"
        in page.get_by_text("Importação concluída").inner_text()
    )
    screenshot(page, "ixc-imported")

    page.locator("[data-testid='stSidebarNav'] a", has_text="Desconto em fatura").click()
    wait_idle(page)
    page.locator(".st-key-dr0_q input").fill("Helena Duarte")
    wait_idle(page)
    # one hit: her only login and contract come pre-selected, with the imported fee
    page.locator(".st-key-discount_preview").get_by_text(
        "(próximo vencimento do contrato)"
    ).wait_for()
    screenshot(page, "ixc-customer-in-discount-form")

    def shown(selector: str) -> str:
        box = page.locator(selector).first
        return (box.text_content() or "") + " ".join(
            i.input_value() for i in box.locator("input").all()
        )

    assert "Helena Duarte Mendes · 198.344.417-03 · Centro" in shown(".st-key-dr0_customer")
    assert "helena.duarte · CTO-LDA-0142 · Centro" in shown("[class*='st-key-dr0_login_']")
    assert "(IXC 7001) · FIBRA 300MB · R$\xa099,90 · vence dia 10" in shown(
        "[class*='st-key-dr0_contract_']"
    )


@pytest.fixture
def approved_server(tmp_path):
    """The test world with two approved discounts (Maria's and João's), opened 3 h ago."""
    from datetime import timedelta

    from lib.domain import now as clock_now
    from lib.store import Store
    from lib.usecases import discount_requests, finance, ticket_actions
    from lib.usecases.discount_requests import DiscountRequestInput
    from tests.e2e.conftest import start_server
    from tests.fixtures import build_world

    db = tmp_path / "e2e.duckdb"
    store = Store(db)
    store.migrate()
    w = build_world(store)
    now = clock_now()
    tickets = []
    for key, (customer, login_id, contract) in {
        "m": (w.maria, w.maria_login, w.maria_contract),
        "j": (w.joao, w.joao_logins[0], w.joao_contracts[0]),
    }.items():
        data = DiscountRequestInput(
            customer_id=customer,
            login_id=login_id,
            contract_id=contract,
            reason=3,
            occurred_on=(now - timedelta(hours=3)).date(),
            opened_at=now - timedelta(hours=3),
            signal_returned_at=now - timedelta(hours=1),
            opa_protocol=f"OPA{key.upper()}E2E001",
            description="Rompimento na rua",
        )
        t = discount_requests.open_discount_request(
            store, w.atendente, data, key, now=now
        ).ticket_id
        ticket_actions.assume(store, w.financeiro, t, now=now)
        finance.approve(store, w.financeiro, t, now=now)
        tickets.append(t)
    store.close()
    srv = start_server(db, tmp_path)
    yield srv, tickets
    srv.stop()


def test_finance_batch_round_trip_in_the_browser(approved_server, page, tmp_path):
    """approve → batch → export → invoices from fn_areceber → applied, each in one batch."""
    server, tickets = approved_server
    login(page, server.url, "financeiro")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Faturamento").click()
    wait_idle(page)
    page.locator(".st-key-bl_end input").first.wait_for()
    page.get_by_role("button", name="Criar lote com 2 descontos").click()
    wait_idle(page)
    page.get_by_text("Lote nº 1 criado: 2 descontos").wait_for()
    # the page moved to Lotes by itself, with the new batch chosen (generous waits: CI runs
    # this beside other browser tests on two cores)
    expect(page.get_by_role("tab", name="Lotes")).to_have_attribute(
        "aria-selected", "true", timeout=60_000
    )
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="Baixar CSV (descontos adicionais do IXC)").click(
            timeout=60_000
        )
    exported = Path(got.value.path()).read_text("utf-8-sig").splitlines()
    assert exported[0] == "id_contrato;data;quantidade;valor_unitario;descricao"
    assert len(exported) == 3 and all(";1;" in line for line in exported[1:])
    listing = tmp_path / "fn_areceber.csv"
    listing.write_text(
        "id;id_contrato;data_vencimento;valor\n"
        + "".join(
            f"{9100 + n};{line.split(';')[0]};{line.split(';')[1]};99,90\n"
            for n, line in enumerate(exported[1:])
        )
    )
    page.locator(".st-key-bl_areceber_1 input[type='file']").set_input_files(str(listing))
    wait_idle(page)
    page.get_by_text("2 fatura(s) encontradas.").wait_for()
    screenshot(page, "billing-answer")
    page.get_by_role("button", name="Registrar retorno do faturamento").click()
    wait_idle(page)
    page.get_by_text("2 aplicado(s), 0 recusado(s) pelo faturamento. Lote fechado.").wait_for()
    screenshot(page, "billing-closed")
    server.stop()
    store = server.store()
    try:
        with store.read() as cur:
            rows = cur.execute(
                "SELECT i.ticket_id, count(*), max(d.decision), max(d.invoice_number) "
                "FROM billing_batch_item i JOIN discount_request d USING (ticket_id) GROUP BY 1"
            ).fetchall()
    finally:
        store.close()
    assert sorted(rows) == sorted(
        [(t, 1, "aplicado", n) for t, n in zip(tickets, ("9100", "9101"), strict=True)]
    )  # each discount in exactly one batch, applied with its own invoice

"""Issue 14 in real Chromium: a supervisor imports small IXC listings (simulate, then import)
and the new customer is found, with her login and contract, in the discount form."""

from __future__ import annotations

from pathlib import Path

import pytest

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

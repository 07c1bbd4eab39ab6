"""Issue 17, Faturamento in the browser: ticking one row of the candidates makes a batch of
that row alone, and the button says so before the click."""

from __future__ import annotations

from tests.e2e.conftest import login, screenshot, wait_idle
from tests.e2e.test_ixc_e2e import approved_server  # noqa: F401  (the fixture)


def test_a_batch_of_the_ticked_row_only(approved_server, page):  # noqa: F811
    server, tickets = approved_server
    login(page, server.url, "financeiro")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Faturamento").click()
    wait_idle(page)
    page.get_by_role("button", name="Criar lote com 2 descontos").wait_for()
    page.get_by_text("Descontos 1 a 2 de 2").wait_for()
    grid = page.locator("[data-testid='stDataFrame']").last  # the summary's table comes first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 35 + 17)  # the second row's selection box
    wait_idle(page)
    button = page.get_by_role("button", name="Criar lote com 1 desconto selecionado")
    button.wait_for()
    screenshot(page, "billing-selected")
    button.click()
    wait_idle(page)
    page.get_by_text("Lote nº 1 criado: 1 desconto").wait_for()
    server.stop()
    store = server.store()
    try:
        with store.read() as cur:
            sent = [
                r[0] for r in cur.execute("SELECT ticket_id FROM billing_batch_item").fetchall()
            ]
    finally:
        store.close()
    assert sent == [tickets[1]]  # the second in the list (oldest decision first), alone

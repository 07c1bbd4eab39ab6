"""In real Chromium: an attendant fills the discount form, saves, reads the protocol; the
request is in the store."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lib.domain import now as clock_now
from lib.store import rows
from tests.e2e.conftest import login, screenshot, wait_idle

pytestmark = pytest.mark.e2e


def type_date(page, key: str, value: datetime, with_time: bool = True) -> None:
    """Type into a date(time) field segment by segment (react-aria moves on by itself)."""
    page.locator(f".st-key-{key} [data-type='day']").click()
    page.keyboard.type(value.strftime("%d%m%Y%H%M" if with_time else "%d%m%Y"), delay=30)
    page.keyboard.press("Enter")
    wait_idle(page)


def test_attendant_saves_a_discount_request(server, page):
    now = clock_now().replace(second=0, microsecond=0)
    opened, returned = now - timedelta(hours=3), now - timedelta(hours=1)  # 2 h

    login(page, server.url, "atendente")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Desconto em fatura").click()
    wait_idle(page)
    page.get_by_role("heading", name="Desconto em fatura").wait_for()

    page.locator(".st-key-dr0_q input").fill("maria")
    # one hit: the customer, her only login and contract come pre-selected
    page.locator(".st-key-discount_preview").get_by_text(
        "(próximo vencimento do contrato)"
    ).wait_for()
    wait_idle(page)
    page.get_by_text("3. Rompimento externo").click()
    wait_idle(page)
    type_date(page, "dr0_occurred_on", opened, with_time=False)
    type_date(page, "dr0_opened_at", opened)
    type_date(page, "dr0_returned_at", returned)
    page.locator(".st-key-dr0_opa input").fill("OPA2026112233")
    page.locator(".st-key-dr0_description textarea").fill("Cliente sem sinal desde a tarde")
    page.locator(".st-key-dr0_description textarea").press("Tab")
    wait_idle(page)

    preview = page.locator(".st-key-discount_preview")
    preview.get_by_text("2 h", exact=True).wait_for()
    preview.get_by_text("R$\xa00,28", exact=True).wait_for()  # 99,90 / 43.200 × 120 min
    screenshot(page, "discount-filled")

    page.get_by_role("button", name="Registrar pedido de desconto").click()
    wait_idle(page)
    box = page.locator(".st-key-discount_result")
    box.get_by_text("Pedido de desconto registrado").wait_for()
    protocol = box.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert len(protocol) == 12 and protocol.startswith(str(now.year))
    box.get_by_text("Sr(a). Maria, seu pedido de desconto").wait_for()
    assert page.locator(".st-key-dr1_q input").input_value() == ""  # cleared after the save
    screenshot(page, "discount-saved")

    server.stop()
    store = server.store()
    try:
        with store.read() as cur:
            saved = rows(
                cur,
                """SELECT t.protocol, t.status, d.computed_amount, d.minutes, d.opa_protocol
                   FROM ticket t JOIN discount_request d ON d.ticket_id = t.id""",
            )
    finally:
        store.close()
    assert len(saved) == 1
    assert saved[0]["protocol"] == protocol and saved[0]["status"] == "N"
    assert saved[0]["minutes"] == 120 and saved[0]["opa_protocol"] == "OPA2026112233"
    assert str(saved[0]["computed_amount"]) == "0.28"

"""Issue 11 in real Chromium: the saved request's protocol shows where the attendant is looking,
and a date typed outside the widget's old range reaches the script (and is refused in pt-BR)
instead of staying on screen while another date is saved."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lib.domain import now as clock_now
from lib.store import scalar
from tests.e2e.conftest import screenshot, wait_idle
from tests.e2e.test_discount_request_e2e import type_date

pytestmark = pytest.mark.e2e


def login(page, url: str, username: str) -> None:
    """conftest.login, with exact labels: the password field's show button is labelled
    "Mostrar senha" once Streamlit's English is translated."""
    page.goto(url)
    wait_idle(page)
    page.get_by_label("Usuário", exact=True).fill(username)
    page.get_by_label("Senha", exact=True).fill("demo1234")
    page.get_by_role("button", name="Entrar").click()
    wait_idle(page)


def open_form(page, url: str) -> None:
    login(page, url, "atendente")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Desconto em fatura").click()
    wait_idle(page)
    page.get_by_role("heading", name="Desconto em fatura").wait_for()


def fill_request(page, opened: datetime, returned: datetime) -> None:
    page.locator(".st-key-dr0_q input").fill("maria")
    page.locator(".st-key-discount_preview").get_by_text(
        "(próximo vencimento do contrato)"
    ).wait_for()
    wait_idle(page)
    page.get_by_text("3. Rompimento externo").click()
    wait_idle(page)
    type_date(page, "dr0_occurred_on", opened, with_time=False)
    type_date(page, "dr0_opened_at", opened)
    type_date(page, "dr0_returned_at", returned)
    page.keyboard.press("Escape")
    page.locator(".st-key-dr0_opa input").fill("OPA2026112233")
    page.locator(".st-key-dr0_description textarea").fill("Cliente sem sinal desde a tarde")
    page.locator(".st-key-dr0_description textarea").press("Tab")
    wait_idle(page)


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and -1 <= box["y"] and box["y"] + min(box["height"], 250) <= height


def ticket_count(server) -> int:
    server.stop()
    store = server.store()
    try:
        with store.read() as cur:
            return int(scalar(cur, "SELECT count(*) FROM ticket"))
    finally:
        store.close()


def test_the_protocol_shows_in_view_after_saving_from_the_bottom_of_the_form(server, page):
    now = clock_now().replace(second=0, microsecond=0)
    open_form(page, server.url)
    fill_request(page, now - timedelta(hours=3), now - timedelta(hours=1))
    # the attendant went down the form: the extra fields open, the page scrolled to them
    page.get_by_text("Mais campos do atendimento").click()
    wait_idle(page)
    page.locator(".st-key-dr0_x_canned").scroll_into_view_if_needed()
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(300)
    assert not in_view(page, "h1"), "the test must start scrolled down"

    page.get_by_role("button", name="Registrar pedido de desconto").click()
    wait_idle(page)
    box = page.locator(".st-key-discount_result")
    box.get_by_text("Pedido de desconto registrado").wait_for()
    protocol = box.locator("[data-testid='stCode'] code").first
    protocol.wait_for(state="visible")
    # what the attendant must see is the protocol to read out; the layout settles after the
    # reruns, slower on a loaded machine (a full CI run once left the notice's top 31 px up)
    shown = ".st-key-discount_result [data-testid='stCode']"
    for _ in range(200):
        if in_view(page, shown):
            break
        page.wait_for_timeout(100)
    assert in_view(page, shown), page.locator(shown).first.bounding_box()
    assert len(protocol.inner_text().strip()) == 12
    # the cleared form does not read as a failure
    assert page.get_by_text("Para salvar, corrija").count() == 0
    screenshot(page, "request-trust-saved-in-view")

    # a new customer: the previous protocol goes away
    page.locator(".st-key-dr1_q input").fill("joao")
    wait_idle(page)
    page.get_by_text("Origem do endereço").wait_for()
    page.locator(".st-key-discount_result").wait_for(state="detached", timeout=10_000)


def type_over(page, key: str, typed: str) -> None:
    """Type a date over what the field holds, then leave it (as a person would)."""
    page.locator(f".st-key-{key} [data-type='day']").click()
    page.keyboard.type(typed, delay=30)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.locator(".st-key-dr0_description textarea").click()
    wait_idle(page)


def test_a_data_ocorrido_in_1900_reaches_the_form_and_is_refused(server, page):
    now = clock_now().replace(second=0, microsecond=0)
    open_form(page, server.url)
    fill_request(page, now - timedelta(hours=3), now - timedelta(hours=1))
    type_over(page, "dr0_occurred_on", "01011900")
    preview = page.locator(".st-key-discount_preview")
    preview.get_by_text("A data do ocorrido (01/01/1900) é de mais de 5 anos atrás").wait_for()
    screenshot(page, "request-trust-date-1900")
    page.get_by_role("button", name="Registrar pedido de desconto").click()
    wait_idle(page)
    page.get_by_text("Não foi salvo").first.wait_for()
    assert ticket_count(server) == 0


def test_a_data_ocorrido_in_9999_stops_the_save_in_the_browser(server, page):
    """Year 9999 cannot be in a date field's range (Chromium's tab crashes), so it never
    reaches the script: the browser refuses the save while the field shows it."""
    now = clock_now().replace(second=0, microsecond=0)
    open_form(page, server.url)
    fill_request(page, now - timedelta(hours=3), now - timedelta(hours=1))
    type_over(page, "dr0_occurred_on", "30119999")
    page.locator(".st-key-dr0_occurred_on [data-testid='stDateInputError']").wait_for()
    page.get_by_role("button", name="Registrar pedido de desconto").click()
    page.get_by_text("Não foi salvo: uma data está fora do intervalo aceito").wait_for()
    wait_idle(page)
    screenshot(page, "request-trust-date-9999")
    assert page.locator(".st-key-discount_result").count() == 0
    assert ticket_count(server) == 0


def test_a_past_reserved_date_on_novo_atendimento_is_refused_not_emptied(server, page):
    login(page, server.url, "atendente")
    page.locator("[data-testid='stSidebarNav']").get_by_text("Novo atendimento").click()
    wait_idle(page)
    page.get_by_label("Cliente", exact=True).press_sequentially("Maria", delay=50)
    page.get_by_text("Origem do endereço").wait_for()
    wait_idle(page)
    page.get_by_label("Assunto", exact=True).first.click()
    page.get_by_role("option", name="SEM CONEXÃO · login obrigatório").first.click()
    wait_idle(page)
    past = clock_now() - timedelta(days=30)
    page.locator(".st-key-nt0_reserved_date [data-type='day']").click()
    page.keyboard.type(past.strftime("%d%m%Y"), delay=30)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_label("Mensagem", exact=True).click()
    wait_idle(page)
    shown = f"Data reservada: {past:%d/%m/%Y} já passou"
    page.get_by_text(shown).first.wait_for()
    screenshot(page, "request-trust-reserved-past")
    page.get_by_role("button", name="Salvar").click()
    wait_idle(page)
    assert page.locator(".st-key-novo_saved").count() == 0
    assert ticket_count(server) == 0

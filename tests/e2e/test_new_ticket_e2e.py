"""In real Chromium: an attendant opens a SEM CONEXÃO ticket for Maria, reads the protocol, finds
the ticket in the customer's ticket list, assumes it, and finds it in Atendimentos."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login, screenshot, wait_idle

pytestmark = pytest.mark.e2e


def choose(page, label: str, option: str) -> None:
    box = page.get_by_label(label, exact=True).first
    box.click()
    page.get_by_role("option", name=option).first.click()
    wait_idle(page)


def test_open_a_sem_conexao_ticket_and_find_it(server, page):
    login(page, server.url, "atendente")
    page.locator("[data-testid='stSidebarNav']").get_by_text("Novo atendimento").click()
    wait_idle(page)
    page.get_by_role("heading", name="Novo atendimento").wait_for()
    page.get_by_text("Campos marcados são obrigatórios.").wait_for()

    page.get_by_label("Cliente", exact=True).press_sequentially("Maria", delay=50)
    # the live search commits while typing; the only match is chosen and its address shown
    page.get_by_text("Origem do endereço").wait_for()
    wait_idle(page)
    assert (
        page.get_by_role("textbox", name="Endereço", exact=True).input_value()
        == "Rua das Flores, 10 - Centro"
    )
    choose(page, "Assunto", "SEM CONEXÃO · login obrigatório")
    assert page.get_by_label("Descrição do assunto").input_value() == (
        "Cliente sem acesso à internet"
    )
    page.get_by_label("Mensagem", exact=True).fill("Sem sinal desde as 8h.")
    page.get_by_label("Mensagem", exact=True).blur()
    wait_idle(page)
    screenshot(page, "new-ticket-filled")

    page.get_by_role("button", name="Salvar").click()
    wait_idle(page)
    saved = page.locator(".st-key-novo_saved")
    saved.get_by_text("Informe ao cliente o protocolo").wait_for()
    text = saved.inner_text()
    protocol = re.search(r"protocolo (\d{12})", text).group(1)
    assert "Novo" in text
    # the browser shows an empty form for the next ticket (not only the server's state)
    assert page.get_by_label("Mensagem", exact=True).input_value() == ""
    assert page.get_by_label("Cliente", exact=True).input_value() == ""
    screenshot(page, "new-ticket-saved")

    # the customer's ticket list shows it (the grid keeps an accessible copy of its cells)
    grid = saved.locator("[data-testid='stDataFrame']").last
    grid.get_by_text(protocol).wait_for(state="attached")
    assert grid.get_by_text("SEM CONEXÃO").count() >= 1

    saved.get_by_role("button", name="Assumir").click()
    wait_idle(page)
    page.get_by_text("Atendimento assumido com sucesso!").wait_for()
    assert "Em progresso" in saved.inner_text()
    screenshot(page, "new-ticket-assumed")

    # and the ticket list every role uses finds it by its protocol
    page.locator("[data-testid='stSidebarNav'] a", has_text="Atendimentos").click()
    wait_idle(page)
    page.get_by_label("Buscar").fill(protocol)
    page.get_by_label("Buscar").press("Enter")
    wait_idle(page)
    page.get_by_text("Atendimentos 1–1 de 1").wait_for()
    listed = page.locator("[data-testid='stDataFrame']").first
    listed.get_by_text(protocol).wait_for(state="attached")
    assert listed.get_by_text("SEM CONEXÃO").count() >= 1
    assert protocol in page.url  # the search is in the query string
    screenshot(page, "new-ticket-in-list")

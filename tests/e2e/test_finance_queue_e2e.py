"""In real Chromium, at a laptop's viewport: a finance manager opens "Pedidos aguardando decisão"
from Início and works the queue, assuming and approving each request (one rejected), without
ever scrolling: every button is inside the viewport before it is clicked, the window and
Streamlit's scrolling section stay at the top, and the detail moves on after each decision."""

from __future__ import annotations

import pytest

from lib.store import Store
from tests.e2e.conftest import screenshot, start_server, wait_idle
from tests.fixtures import build_world
from tests.ticket_factory import discount

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1366, "height": 768}
CONTRACTS = ["maria", "joao", "joao2"]
QUEUE = 7
REJECT_AT = 3  # the fourth request of the queue is rejected

# Every element that scrolls its content, outside the tables' own grids (which scroll inside):
# the window and Streamlit's scrolling section among them.
SCROLLED = """() => {
    const out = [];
    if (window.scrollY || window.scrollX) out.push(['window', window.scrollY]);
    for (const e of document.querySelectorAll('*')) {
        if ((e.scrollTop || e.scrollLeft) && !e.closest("[data-testid='stDataFrame']")) {
            out.push([e.tagName + '.' + (e.getAttribute('data-testid') || e.className), e.scrollTop]);
        }
    }
    return out;
}"""
MAIN_SCROLLS = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    return [getComputedStyle(main).overflowY, main.scrollHeight > main.clientHeight];
}"""


@pytest.fixture
def queue_server(tmp_path):
    db = tmp_path / "e2e.duckdb"
    store = Store(db)
    store.migrate()
    world = build_world(store)
    # a week of requests, one a day, on three contracts (so no two overlap); oldest deadline first
    ids = [
        discount(world, f"q{i}", days_ago=QUEUE - i, contract=CONTRACTS[i % 3])
        for i in range(QUEUE)
    ]
    store.close()
    srv = start_server(db, tmp_path)
    yield srv, ids
    srv.stop()


@pytest.fixture
def laptop(browser):
    context = browser.new_context(
        viewport=VIEWPORT, locale="pt-BR", timezone_id="America/Sao_Paulo"
    )
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def _login(page, url: str, username: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_label("Usuário", exact=True).fill(username)
    page.get_by_label("Senha", exact=True).fill("demo1234")  # not "Mostrar senha"
    page.get_by_role("button", name="Entrar").click()
    wait_idle(page)


def _no_scroll(page) -> None:
    assert page.evaluate(SCROLLED) == []


def _click_in_view(page, locator) -> None:
    """Click `locator` only if a person could without scrolling; then wait and check again."""
    locator.wait_for(state="visible")
    box = locator.bounding_box()
    assert box is not None
    assert 0 <= box["y"] and box["y"] + box["height"] <= VIEWPORT["height"], box
    assert 0 <= box["x"] and box["x"] + box["width"] <= VIEWPORT["width"], box
    _no_scroll(page)
    locator.click()
    wait_idle(page)
    _no_scroll(page)


def _protocol(page) -> str:
    heading = page.locator(".st-key-tk_detail [data-heading-text]").first
    return heading.inner_text().split("·")[0].replace("Atendimento", "").strip()


def _submit(detail, label: str):
    return detail.locator("[data-testid='stFormSubmitButton'] button", has_text=label)


def _open_section(page, detail, label: str, close: str) -> None:
    """Open the action's expander unless its form is already showing (an expander keeps its
    state from one request to the next); close the other one first, as a person would."""
    if _submit(detail, close).is_visible():
        _click_in_view(page, detail.locator("summary", has_text=close))
    if not _submit(detail, label).is_visible():
        _click_in_view(page, detail.locator("summary", has_text=label))


def test_a_queue_of_requests_is_decided_without_scrolling(queue_server, laptop):
    server, ids = queue_server
    page = laptop
    page.goto(server.url)
    wait_idle(page)
    _login(page, server.url, "financeiro")
    assert page.evaluate(MAIN_SCROLLS)[0] in ("auto", "scroll")  # the section that would scroll
    _click_in_view(page, page.get_by_role("link", name="Pedidos aguardando decisão, pelo prazo"))
    page.get_by_text(f"Atendimentos 1–{QUEUE} de {QUEUE}").wait_for()
    page.get_by_role("button", name="Decisão: Pendente").wait_for()  # the shortcut's filter

    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    assert box["y"] + 38 + 35 <= VIEWPORT["height"]
    page.mouse.click(box["x"] + 120, box["y"] + 38 + 17)  # the first row's Protocolo cell
    wait_idle(page)
    _no_scroll(page)
    detail = page.locator(".st-key-tk_detail")
    detail.wait_for()

    decided: list[str] = []
    for n in range(QUEUE):
        protocol = _protocol(page)
        assert protocol not in decided
        assert f"id={ids[n]}" in page.url  # oldest deadline first, the next after each decision
        _click_in_view(page, detail.get_by_role("button", name="Assumir"))
        detail.get_by_text("Atendimento assumido com sucesso!").wait_for()
        if n == REJECT_AT:
            _open_section(page, detail, "Reprovar", close="Aprovar")
            form = detail.locator("[data-testid='stForm']").filter(
                has=page.locator("[data-testid='stFormSubmitButton']", has_text="Reprovar")
            )
            area = form.get_by_label("Motivo", exact=True)
            _click_in_view(page, area)
            area.fill("Cliente já recebeu crédito por este período")
            _click_in_view(page, _submit(detail, "Reprovar"))
            done = "Desconto reprovado"
        else:
            _open_section(page, detail, "Aprovar", close="Reprovar")
            _click_in_view(page, _submit(detail, "Aprovar"))
            done = "aprovado"
        decided.append(protocol)
        notice = page.locator("[data-testid='stAlert']", has_text=f"protocolo {protocol}")
        notice.wait_for()
        assert done in notice.inner_text()
        if n == 0:
            screenshot(page, "finance-queue-after-first")
        if n < QUEUE - 1:
            page.wait_for_function(
                "p => !document.querySelector('.st-key-tk_detail [data-heading-text]')"
                ".innerText.includes(p)",
                arg=protocol,
            )
    page.get_by_text("Nenhum outro atendimento nesta lista.").wait_for()
    page.get_by_text("Atendimentos 0 de 0").wait_for()
    _no_scroll(page)
    screenshot(page, "finance-queue-done")

    server.stop()
    store = server.store()
    with store.read() as cur:
        found = cur.execute(
            "SELECT t.id, t.status, dr.decision, s.username FROM ticket t "
            "JOIN discount_request dr ON dr.ticket_id = t.id "
            "JOIN staff s ON s.id = dr.decided_by ORDER BY t.id"
        ).fetchall()
    store.close()
    expected = [
        (tid, "S" if n == REJECT_AT else "EP", "reprovado" if n == REJECT_AT else "aprovado")
        for n, tid in enumerate(ids)
    ]
    assert [(t, s, d) for t, s, d, _ in found] == sorted(expected)
    assert {who for *_, who in found} == {"financeiro"}

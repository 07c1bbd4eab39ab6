"""Issue 18, in real Chromium: two `streamlit run` servers on ONE PostgreSQL database (as behind a
load balancer). A request an atendente saves on server 1 is found and assumed by financeiro on
server 2; then two financeiro sessions, one on each server, act on that one ticket:

- a stale screen: both show the request pending; one approves (with an adjusted value), then
  the other, whose screen still shows it pending, rejects: refused in pt-BR, nothing written;
- at the same moment: both submit "Marcar como aplicado" without waiting for each other:
  exactly one wins, the other is refused in pt-BR.

The store is read while both servers run (PostgreSQL, unlike DuckDB, allows it): the ticket's
history holds exactly one decision and one application. Skipped without DESCONTO_TEST_PG."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from lib.domain import now as clock_now
from lib.store import rows
from tests.e2e.conftest import screenshot, start_server, wait_idle
from tests.e2e.test_request_trust_e2e import fill_request, open_form

pytestmark = pytest.mark.e2e

# What the losing session must see: the stale-screen refusal (lib.usecases.transitions) or, when
# both transactions overlapped, PostgreSQL's serialisation failure turned into StaleState.
STALE = ("enquanto você olhava", "ao mesmo tempo")
ALERT = "[data-testid='stAlert']"
OUTCOME = re.compile("aplicado|aprovado|reprovado|olhava|mesmo tempo")


@pytest.fixture
def two_servers(pg_world, tmp_path):
    one = start_server(pg_world, tmp_path)
    try:
        two = start_server(pg_world, tmp_path)
    except BaseException:
        one.stop()
        raise
    yield one, two
    two.stop()
    one.stop()


@pytest.fixture
def session(browser):
    """A new browser session (its own cookies: its own login) per call."""
    contexts = []

    def new():
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000},
            locale="pt-BR",
            timezone_id="America/Sao_Paulo",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)  # two servers and a browser on a loaded 2-core machine
        return page

    yield new
    for context in contexts:
        context.close()


def _login(page, url: str, username: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.get_by_label("Usuário", exact=True).fill(username)
    page.get_by_label("Senha", exact=True).fill("demo1234")
    page.get_by_role("button", name="Entrar").click()
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav']").wait_for()


def _save_request(page, url: str) -> str:
    """As atendente: a DESCONTO EM FATURA request for Maria (2 h outage); its protocol."""
    now = clock_now().replace(second=0, microsecond=0)
    opened, returned = now - timedelta(hours=3), now - timedelta(hours=1)
    open_form(page, url)
    fill_request(page, opened, returned)
    page.locator(".st-key-discount_preview").get_by_text("R$\xa00,28", exact=True).wait_for()
    page.get_by_role("button", name="Registrar pedido de desconto").click()
    wait_idle(page)
    box = page.locator(".st-key-discount_result")
    box.get_by_text("Pedido de desconto registrado").wait_for()
    return box.locator("[data-testid='stCode'] code").first.inner_text().strip()


def _find_and_assume(page, url: str, protocol: str) -> int:
    """As financeiro: search Atendimentos for the protocol, open it, assume it; its id."""
    _login(page, url, "financeiro")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Atendimentos").click()
    wait_idle(page)
    page.get_by_label("Buscar").fill(protocol)
    page.get_by_label("Buscar").press("Enter")
    wait_idle(page)
    page.get_by_text("Atendimentos 1–1 de 1").wait_for()
    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection box
    wait_idle(page)
    detail = page.locator(".st-key-tk_detail")
    detail.get_by_text(f"Atendimento {protocol}").wait_for()
    detail.get_by_role("button", name="Assumir").click()
    wait_idle(page)
    page.get_by_text("Atendimento assumido com sucesso!").wait_for()
    return int(parse_qs(urlparse(page.url).query)["id"][0])


def _open_ticket(page, url: str, ticket_id: int, protocol: str, badge: str):
    """Open the ticket by its link and wait until its detail shows the decision `badge`."""
    page.goto(f"{url}/atendimentos?id={ticket_id}")
    wait_idle(page)
    detail = page.locator(".st-key-tk_detail")
    detail.get_by_text(f"Atendimento {protocol}").wait_for()
    detail.get_by_text(badge, exact=True).first.wait_for()
    return detail


def _form(detail, label: str):
    """Open the action's expander; its form (the one whose submit button says `label`)."""
    detail.locator("summary", has_text=label).click()
    form = detail.locator("[data-testid='stForm']").filter(
        has=detail.page.locator("[data-testid='stFormSubmitButton']", has_text=label)
    )
    form.wait_for()
    return form


def _submit(form, label: str):
    return form.locator("[data-testid='stFormSubmitButton'] button", has_text=label)


def _outcome(page) -> str:
    """Wait for the success or the refusal this session's last action brought; its text."""
    alert = page.locator(ALERT).filter(has_text=OUTCOME)
    alert.first.wait_for()
    wait_idle(page)
    return "\n".join(alert.all_inner_texts())


def _no_traceback(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert "Traceback" not in page.content()


def _history(server, ticket_id: int) -> list[dict]:
    store = server.store()  # PostgreSQL: opened beside the two running servers
    try:
        with store.read() as cur:
            return rows(
                cur,
                """SELECT m.kind, m.from_decision, m.to_decision, s.username
                   FROM movement m LEFT JOIN staff s ON s.id = m.staff_id
                   WHERE m.ticket_id = ? ORDER BY m.id""",
                [ticket_id],
            )
    finally:
        store.close()


def _discount(server, ticket_id: int) -> dict:
    store = server.store()
    try:
        with store.read() as cur:
            return rows(
                cur,
                """SELECT t.status, d.decision, d.approved_amount, d.decision_reason
                   FROM ticket t JOIN discount_request d ON d.ticket_id = t.id
                   WHERE t.id = ?""",
                [ticket_id],
            )[0]
    finally:
        store.close()


def test_two_servers_share_one_postgresql_without_lost_updates(two_servers, session):
    one, two = two_servers

    # --- made on server 1, seen and acted on by server 2 ----------------------------------------
    attendant = session()
    protocol = _save_request(attendant, one.url)
    finance_two = session()
    ticket_id = _find_and_assume(finance_two, two.url, protocol)
    assert [m["kind"] for m in _history(one, ticket_id)] == ["abrir", "assumir"]

    # --- a stale screen: both show it pending; server 1 approves, then server 2 rejects ---------
    finance_one = session()
    _login(finance_one, one.url, "financeiro")
    detail_one = _open_ticket(finance_one, one.url, ticket_id, protocol, "Pendente")
    detail_two = _open_ticket(finance_two, two.url, ticket_id, protocol, "Pendente")
    approve = _form(detail_one, "Aprovar")
    approve.get_by_label("Valor ajustado (opcional)").fill("0,20")
    approve.get_by_label("Motivo do ajuste").fill("Acordo com o cliente")
    reject = _form(detail_two, "Reprovar")
    reject.get_by_label("Motivo", exact=True).fill("Cliente já recebeu crédito")

    _submit(approve, "Aprovar").click()
    assert "Desconto de R$\xa00,20 aprovado" in _outcome(finance_one)
    _submit(reject, "Reprovar").click()
    refused = _outcome(finance_two)
    screenshot(finance_two, "two-servers-stale-refusal")
    assert "O desconto foi aprovado por Fábio Financeiro" in refused, refused
    assert "enquanto você olhava" in refused and "reprovado" not in refused, refused
    _no_traceback(finance_two)

    history = _history(two, ticket_id)
    decisions = [m for m in history if m["to_decision"] in ("aprovado", "reprovado")]
    assert [(m["kind"], m["from_decision"], m["to_decision"]) for m in decisions] == [
        ("aprovar", "pendente", "aprovado")
    ], history
    saved = _discount(two, ticket_id)
    assert (saved["status"], saved["decision"], str(saved["approved_amount"])) == (
        "EP",
        "aprovado",
        "0.20",
    )
    assert saved["decision_reason"] is None  # the rejection's reason was never written

    # --- at the same moment: both mark it applied, neither waiting for the other ---------------
    detail_one = _open_ticket(finance_one, one.url, ticket_id, protocol, "Aprovado")
    detail_two = _open_ticket(finance_two, two.url, ticket_id, protocol, "Aprovado")
    apply_one = _submit(_form(detail_one, "Marcar como aplicado"), "Marcar como aplicado")
    apply_two = _submit(_form(detail_two, "Marcar como aplicado"), "Marcar como aplicado")
    apply_one.click()
    apply_two.click()
    outcomes = [_outcome(finance_one), _outcome(finance_two)]
    screenshot(finance_one, "two-servers-race-one")
    screenshot(finance_two, "two-servers-race-two")
    won = [o for o in outcomes if "marcado como aplicado" in o and not any(s in o for s in STALE)]
    lost = [o for o in outcomes if any(s in o for s in STALE)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    _no_traceback(finance_one)
    _no_traceback(finance_two)

    history = _history(one, ticket_id)
    assert [m["kind"] for m in history] == ["abrir", "assumir", "aprovar", "aplicar"], history
    assert _discount(one, ticket_id)["decision"] == "aplicado"

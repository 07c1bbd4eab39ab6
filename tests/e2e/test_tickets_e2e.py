"""In real Chromium: financeiro finds the request an atendente created, assumes and approves it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lib.store import Store
from lib.store import catalog as cat
from lib.usecases import catalogs
from tests.e2e.conftest import login, screenshot, start_server, wait_idle
from tests.fixtures import World, build_world
from tests.ticket_factory import discount, plain_tickets

pytestmark = pytest.mark.e2e


def _serve(tmp_path, prepare: Callable[[World], int]):
    """The app on the test world after `prepare` (which returns the ticket to look at)."""
    db = tmp_path / "e2e.duckdb"
    store = Store(db)
    store.migrate()
    ticket_id = prepare(build_world(store))
    store.close()
    srv = start_server(db, tmp_path)
    yield srv, ticket_id
    srv.stop()


@pytest.fixture
def server_with_request(tmp_path):
    yield from _serve(tmp_path, lambda world: discount(world, "e2e", days_ago=1))  # atendente's


def test_financeiro_assumes_and_approves_the_atendentes_request(server_with_request, page):
    server, ticket_id = server_with_request
    login(page, server.url, "financeiro")
    page.locator("[data-testid='stSidebarNav'] a", has_text="Atendimentos").click()
    wait_idle(page)
    page.get_by_text("Atendimentos 1–1 de 1").wait_for()

    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection box
    wait_idle(page)
    detail = page.locator(".st-key-tk_detail")
    detail.get_by_text("DESCONTO EM FATURA").first.wait_for()
    assert f"id={ticket_id}" in page.url

    detail.get_by_role("button", name="Assumir").click()
    wait_idle(page)
    page.get_by_text("Atendimento assumido com sucesso!").wait_for()

    detail.get_by_text("Aprovar", exact=True).first.click()  # open the expander
    detail.locator("[data-testid='stFormSubmitButton'] button", has_text="Aprovar").click()
    wait_idle(page)
    page.get_by_text("Desconto de R$\xa00,79 aprovado.").wait_for()
    screenshot(page, "tickets-approved")

    server.stop()
    store = server.store()
    with store.read() as cur:
        status, decision, approved, by = cur.execute(
            "SELECT t.status, dr.decision, dr.approved_amount, s.username "
            "FROM ticket t JOIN discount_request dr ON dr.ticket_id = t.id "
            "JOIN staff s ON s.id = dr.decided_by WHERE t.id = ?",
            [ticket_id],
        ).fetchone()
    store.close()
    assert (status, decision, str(approved), by) == ("EP", "aprovado", "0.79", "financeiro")


SUBJECT = "**NEGRITO** [pague](https://exemplo.invalid) :red[cor] $a$ www.exemplo.invalid"
DEPARTMENT = "[SUPORTE](https://exemplo.invalid)"


def _markup_names(world: World) -> int:
    with world.store.read() as cur:
        subject = cat.find_item(cur, "subject", "LENTIDÃO")
    catalogs.edit(world.store, world.supervisor, "subject", subject["id"], {"name": SUBJECT})
    catalogs.edit(
        world.store, world.supervisor, "department", subject["department_id"], {"name": DEPARTMENT}
    )
    (ticket_id,) = plain_tickets(world, 1, subject=SUBJECT)
    return ticket_id


@pytest.fixture
def server_with_markup_names(tmp_path):
    """A supervisor named a subject and a department with markdown, links and colours."""
    yield from _serve(tmp_path, _markup_names)


def test_names_people_typed_show_as_typed_never_as_links_or_markup(server_with_markup_names, page):
    server, ticket_id = server_with_markup_names
    page.goto(server.url)  # the first session after start knows no page yet
    wait_idle(page)
    login(page, f"{server.url}/atendimentos?id={ticket_id}", "atendente")
    detail = page.locator(".st-key-tk_detail")
    heading = detail.get_by_role("heading").first
    heading.wait_for()
    screenshot(page, "tickets-markup-names")
    # an invisible word joiner keeps "www." from being linked; the text reads as typed
    assert heading.inner_text().replace("\u2060", "").strip().endswith(SUBJECT)
    badge = detail.locator("[data-testid='stMarkdownContainer']", has_text="SUPORTE").first
    assert badge.inner_text().replace("\u2060", "").strip() == DEPARTMENT
    assert page.locator("a[href*='exemplo.invalid']").count() == 0  # the counts grid too
    # bold, a link, a colour or a formula would each add an element inside the heading's text
    assert "<" not in heading.locator("[data-heading-text]").inner_html()

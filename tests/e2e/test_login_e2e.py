"""In real Chromium: a wrong password is refused; each demo user sees exactly its pages."""

from __future__ import annotations

import pytest

from lib.auth import LOGIN_FAILED
from tests.e2e.conftest import login, nav_titles, screenshot, wait_idle
from tests.fixtures import build_world  # noqa: F401  (the server fixture builds it)
from ui.navigation import visible_pages

pytestmark = pytest.mark.e2e


def test_wrong_password_then_each_role_sees_its_pages(server, page):
    login(page, server.url, "financeiro", "senha-errada")
    page.get_by_text(LOGIN_FAILED).wait_for()
    screenshot(page, "login-refused")

    from lib.auth import Role, User

    for i, role in enumerate(["atendente", "financeiro", "supervisor"], start=1):
        login(page, server.url, role)
        page.get_by_role("heading", name="Desconto em Fatura").first.wait_for()
        expected = [s.title for s in visible_pages(User(i, role, role, Role(role)))]
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.get_by_role("button", name="Sair").wait_for()
        titles = nav_titles(page)
        # Streamlit hides the navigation when there is a single page
        assert titles == expected or (len(expected) == 1 and titles == [])
        screenshot(page, f"home-{role}")
        sidebar.get_by_role("button", name="Sair").click()
        wait_idle(page)
        page.get_by_role("button", name="Entrar").wait_for()


def test_a_shared_link_opens_its_page_after_login(server, page):
    # The very first session after the server starts knows no page yet (nothing has called
    # st.navigation), so Streamlit answers a deep link with "page not found" once: warm up.
    page.goto(server.url)
    wait_idle(page)
    page.goto(server.url + "/configuracoes")
    wait_idle(page)
    assert nav_titles(page) == []  # nothing but the login form before login
    page.get_by_label("Usuário").fill("supervisor")
    page.get_by_label("Senha").fill("demo1234")
    page.get_by_role("button", name="Entrar").click()
    wait_idle(page)
    page.get_by_role("heading", name="Configurações do desconto").wait_for()
    assert page.url.endswith("/configuracoes")

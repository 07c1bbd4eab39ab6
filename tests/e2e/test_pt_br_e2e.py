"""In real Chromium: Streamlit's own English is gone from every page, for every role (text,
placeholders, aria labels and tooltips, with select boxes open, a search that finds nothing,
date pickers open and text typed into inputs), and an unknown address gets a pt-BR page, even
as the first request a fresh server answers.

The English phrases below are Streamlit 1.67's, read from its frontend bundle; the test keeps
its own list rather than reading ui/pt_br.py, so a phrase the app forgets to translate fails."""

from __future__ import annotations

import ast

import pytest
from playwright.sync_api import Error as PlaywrightError

from lib.auth import Role, User
from tests.e2e.conftest import ROOT, login, screenshot, start_server, wait_idle
from tests.fixtures import build_world
from tests.ticket_factory import discount
from ui import pt_br
from ui.navigation import visible_pages

pytestmark = pytest.mark.e2e

# Phrases Streamlit writes as text (also looked for in placeholders and labels).
ENGLISH_TEXT = [
    "Choose an option",
    "Choose options",
    "Choose or add",
    "No options to select",
    "No results",
    "Select all",
    "Press Enter",
    "Press Ctrl+Enter",
    "to submit form",
    "(required)",
    "Page not found",
    "does not seem to exist",
    "main page",
    "yyyy",
    "Date set outside",
    "Date and time set outside",
    "Please select a date",
    "Use arrow keys",
    "option available",
    "options available",
    "Past Week",
    "Past Month",
    "Past Year",
    "Select...",
    "Skip to main content",
    "Running...",
    "Sort ascending",
    "Show data",
]
# Parts of labels (aria-label, title) Streamlit writes.
ENGLISH_LABEL_PARTS = [
    *ENGLISH_TEXT,
    "Help for",
    "password",
    "Clear ",
    "Main menu",
    "Link to heading",
    "Choose date",
    "Previous month",
    "Next month",
    "Quick select",
    "Show/hide",
    "Download as",
    "Fullscreen",
    "fullscreen",
    "sidebar",
    "Selectbox options",
    "Multiselect options",
    "Selected values",
    "Remove ",
    "month, ",
    "year, ",
    "day, ",
    "start date",
    "end date",
    "Increment",
    "Decrement",
    "Copy ",
]
# Whole labels that are a single common word.
ENGLISH_LABELS = ["Close", "Open", "Search", "Help", "Dismiss", "Calendar", "Sidebar", "Stop"]

# Vega writes its charts' screen-reader descriptions in English ("X-axis titled …"); the
# README lists them among what stays English, so the SVG inside a chart is not read here.
_FIND_ENGLISH = """
([text, parts, whole]) => {
  const found = [];
  const body = document.body.innerText;
  for (const phrase of text) if (body.includes(phrase)) found.push(`text: ${phrase}`);
  const names = ["placeholder", "aria-label", "title", "aria-placeholder"];
  for (const el of document.querySelectorAll(names.map((n) => `[${n}]`).join(","))) {
    if (el.closest("svg") && el.closest("[data-testid*='VegaLite'], .vega-embed")) continue;
    for (const name of names) {
      const value = el.getAttribute(name);
      if (!value) continue;
      if (whole.includes(value) || parts.some((part) => value.includes(part)))
        found.push(`${name}="${value}"`);
    }
  }
  return found;
}
"""


def english_on(page) -> list[str]:
    return page.evaluate(_FIND_ENGLISH, [ENGLISH_TEXT, ENGLISH_LABEL_PARTS, ENGLISH_LABELS])


class Findings:
    """Every English phrase seen, with where it was seen; the test fails once, at the end, with
    all of them."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def look(self, page, where: str) -> None:
        for phrase in english_on(page):
            self.seen.setdefault(phrase, where)

    def report(self) -> str:
        return "\n".join(f"{phrase}  (at {where})" for phrase, where in sorted(self.seen.items()))


def _visible(locator) -> list:
    return [locator.nth(i) for i in range(locator.count()) if locator.nth(i).is_visible()]


def _try(action) -> None:
    """One interaction of the sweep; a control that moved or vanished after a rerun is
    skipped (the sweep looks for English, it does not test the controls)."""
    try:
        action()
    except PlaywrightError:
        pass


def sweep(page, where: str, findings: Findings) -> None:
    """Look at the page as it is, then with its collapsed parts open, and on every tab: every
    select box open (and searched for something no option has), every date picker open, a
    character typed into every text field and a date outside any range typed into a date
    field."""
    wait_idle(page)
    findings.look(page, where)
    closed = page.locator("[data-testid='stExpander'] details:not([open]) > summary")
    for _ in range(12):  # one at a time: opening one may rerun the page
        summaries = _visible(closed)
        if not summaries:
            break
        _try(lambda first=summaries[0]: first.click(timeout=3000))
        wait_idle(page)
    tabs = page.locator("[data-testid='stTabs'] [role='tab']")
    for i in range(max(1, min(tabs.count(), 6))):
        if tabs.count() > i:
            tab = tabs.nth(i)
            _try(lambda tab=tab: tab.click(timeout=3000))
            wait_idle(page)
        _use_widgets(page, f"{where}, tab {i + 1}", findings)
    close_popups(page)


def _use_widgets(page, where: str, findings: Findings) -> None:
    findings.look(page, where)
    boxes = page.locator(
        "[data-testid='stSelectbox'] input:not([disabled]),"
        " [data-testid='stMultiSelect'] input:not([disabled])"
    )
    for box in _visible(boxes)[:12]:

        def search(box=box) -> None:
            box.click(timeout=3000)
            page.wait_for_timeout(200)
            findings.look(page, f"{where}, select box open")
            box.fill("zzqx", timeout=3000)
            page.wait_for_timeout(200)
            findings.look(page, f"{where}, select box searched")

        _try(search)
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    for button in _visible(page.locator("[data-testid='stDateInputCalendarButton']"))[:4]:

        def calendar(button=button) -> None:
            button.click(timeout=3000)
            page.wait_for_timeout(300)
            findings.look(page, f"{where}, date picker open")

        _try(calendar)
        page.keyboard.press("Escape")
    fields = page.locator(
        "[data-testid='stTextInput'] input:not([disabled]),"
        " [data-testid='stTextArea'] textarea:not([disabled]),"
        " [data-testid='stNumberInput'] input:not([disabled])"
    )
    for field in _visible(fields)[:8]:

        def typing(field=field) -> None:
            field.click(timeout=3000)
            page.keyboard.type("1")
            page.wait_for_timeout(150)
            findings.look(page, f"{where}, typing")
            page.keyboard.press("Backspace")

        _try(typing)
    dates = _visible(page.locator("[data-testid='stDateInputField']"))
    if dates:

        def bad_date() -> None:
            dates[0].click(timeout=3000)
            page.keyboard.press("Control+a")
            page.keyboard.type("01011000")
            page.keyboard.press("Tab")
            wait_idle(page)
            findings.look(page, f"{where}, a date in the year 1000")
            hover = page.locator("[data-testid='stTooltipErrorHoverTarget']")
            if hover.count():
                hover.first.hover(timeout=3000)
                page.wait_for_timeout(500)
                findings.look(page, f"{where}, date error tooltip")

        _try(bad_date)
    close_popups(page)


def close_popups(page) -> None:
    """Close whatever the sweep left open (a date picker keeps a click on the menu for
    itself)."""
    for _ in range(2):
        page.keyboard.press("Escape")
        page.mouse.click(2, 2)
        wait_idle(page)


def warm_up(page, url: str) -> None:
    """Let the server's first run happen (see the fresh-server test below): open the bare
    address and wait for the login form itself, not only for an idle script."""
    page.goto(url)
    page.get_by_role("button", name="Entrar").wait_for()
    wait_idle(page)


def _user(role: str) -> User:
    return User(1, role, role, Role(role))


@pytest.fixture
def server_with_request(tmp_path):
    db = tmp_path / "e2e.duckdb"
    from lib.store import Store

    store = Store(db)
    store.migrate()
    ticket_id = discount(build_world(store), "ptbr", days_ago=1)
    store.close()
    srv = start_server(db, tmp_path)
    yield srv, ticket_id
    srv.stop()


@pytest.mark.parametrize("role", ["atendente", "financeiro", "supervisor"])
def test_no_streamlit_english_on_any_page(server_with_request, page, role):
    server, ticket_id = server_with_request
    findings = Findings()
    warm_up(page, server.url)
    sweep(page, "login", findings)
    # a shared link to a request opens its detail right after login
    login(page, f"{server.url}/atendimentos?id={ticket_id}", role)
    sweep(page, "Atendimentos, detail", findings)
    if role != "atendente":  # finance's decision forms open once the ticket is assumed
        _try(lambda: page.get_by_role("button", name="Assumir").first.click(timeout=5000))
        sweep(page, "Atendimentos, detail assumed", findings)
    screenshot(page, f"pt-br-{role}-detail")
    # Every page as the supervisor, who sees all of them and every widget the others do; the
    # other roles differ only in the detail's actions, swept above (a full sweep per role took
    # over four minutes of the suite for nothing new).
    for spec in visible_pages(_user(role)) if role == "supervisor" else []:
        page.locator("[data-testid='stSidebarNav'] a", has_text=spec.title).first.click()
        address = "" if spec.default else f"/{spec.url_path}"
        page.wait_for_url(
            lambda url, address=address: (
                url.split("?")[0].rstrip("/").endswith(f"{server.url}{address}".rstrip("/"))
            )
        )
        sweep(page, spec.title, findings)
        screenshot(page, f"pt-br-{role}-{spec.url_path}")
    assert not findings.seen, f"Streamlit's English on screen:\n{findings.report()}"


def test_unknown_address_shows_a_pt_br_page(server, page):
    warm_up(page, server.url)  # the first request is the next test's
    for address, shown in [
        ("/nao-existe", "O endereço /nao-existe não existe neste sistema."),
        # what people type in the address is shown as typed, never as markup
        ("/%2A%2Anegrito%2A%2A%20:red[x]", "O endereço /**negrito** :red[x] não existe"),
    ]:
        page.goto(server.url + address)
        wait_idle(page)
        page.get_by_role("heading", name="Página não encontrada").wait_for()
        page.get_by_text(shown).wait_for()
        assert page.get_by_role("dialog").count() == 0
        assert english_on(page) == []
    screenshot(page, "pt-br-not-found")
    page.get_by_role("link", name="Entrar").click()
    wait_idle(page)
    page.get_by_role("button", name="Entrar").wait_for()
    assert page.url.rstrip("/") == server.url

    # the start page's own address, before login: the login form, then the start page
    login(page, server.url + "/inicio", "atendente")
    page.get_by_role("heading", name="Desconto em Fatura").wait_for()
    assert page.url.endswith("/inicio") and page.get_by_role("dialog").count() == 0

    # a page the role may not open, from a shared link: said so in pt-BR, with the way back
    # (in a fresh session: the login cookie would otherwise skip the login form)
    page.context.clear_cookies()
    login(page, server.url + "/configuracoes", "atendente")
    page.get_by_role("heading", name="Sem acesso").wait_for()
    page.get_by_text("O perfil Atendente não tem acesso à página Configurações.").wait_for()
    assert page.get_by_role("dialog").count() == 0 and english_on(page) == []
    page.get_by_role("link", name="Ir para Início").click()
    wait_idle(page)
    page.get_by_role("heading", name="Desconto em Fatura").wait_for()


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/nao-existe", "Página não encontrada"), ("/atendimentos", "Desconto em Fatura")],
)
def test_the_first_request_of_a_fresh_server_gets_no_dialog(server, page, path, heading):
    """The first run after the server starts happens before any st.navigation call; with a
    `pages/` folder beside app.py, Streamlit then routes by file names and answers every other
    address, a page that exists included, with its "Page not found" dialog. The app answers
    every address itself, so pt_br.js closes that dialog."""
    page.goto(server.url + path)
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_role("heading", name=heading).first.wait_for()
    page.wait_for_timeout(500)
    screenshot(page, "pt-br-first-request")
    dialogs = page.get_by_role("dialog")
    assert dialogs.count() == 0, f"a dialog on the first request: {dialogs.first.inner_text()!r}"
    assert english_on(page) == []


def test_translator_rewrites_streamlit_phrases_only(page):
    """ui/pt_br.js on a page of its own: Streamlit's phrases change wherever and whenever they
    appear (text, placeholder, label; present at start, added later, or changed later), but
    the same words inside the app's content (a message someone typed) stay as typed."""
    page.set_content(
        "<div id='widget'><span id='req'>(required)</span>"
        "<input id='box' placeholder='Choose an option'>"
        "<button id='help' aria-label='Help for Motivo'></button></div>"
        "<div data-testid='stMarkdown'><p id='typed'>No results</p></div>"
        "<div data-testid='stText' id='typed2'>Choose an option</div>"
    )
    page.add_script_tag(content=pt_br.script())
    assert page.inner_text("#req") == "(obrigatório)"
    assert page.get_attribute("#box", "placeholder") == "Selecione"
    assert page.get_attribute("#help", "aria-label") == "Ajuda: Motivo"
    assert page.inner_text("#typed") == "No results"
    assert page.inner_text("#typed2") == "Choose an option"
    page.evaluate(
        """() => {
          const added = document.createElement('div');
          added.id = 'added';
          added.innerHTML = "<span>No results</span><em title='Show password'>x</em>";
          document.body.append(added);
          document.querySelector('#req').firstChild.data = 'Press Enter to submit form';
          document.querySelector('#box').setAttribute('placeholder', 'Choose options');
          document.querySelector('#typed').firstChild.data = 'Select all';
        }"""
    )
    page.wait_for_timeout(100)
    assert page.inner_text("#added span") == "Nenhum resultado"
    assert page.get_attribute("#added em", "title") == "Mostrar os caracteres"
    assert page.inner_text("#req") == "Pressione Enter para enviar"
    assert page.get_attribute("#box", "placeholder") == "Selecione um ou mais"
    assert page.inner_text("#typed") == "Select all"
    # a phrase inside a longer text is not a phrase: left alone
    page.evaluate("() => { document.querySelector('#req').firstChild.data = 'No results here'; }")
    page.wait_for_timeout(100)
    assert page.inner_text("#req") == "No results here"


def test_every_date_field_reads_day_month_year():
    """Streamlit's date fields read YYYY/MM/DD unless told otherwise, and no setting changes
    that for the whole app: every date_input and datetime_input passes format="DD/MM/YYYY"
    (pt_br.DATE_FORMAT). Read from the source, so a new field without it fails here at once."""
    files = [path for folder in ("pages", "views", "ui") for path in (ROOT / folder).rglob("*.py")]
    missing = []
    for path in sorted(files):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"date_input", "datetime_input"}
            ):
                continue
            given = next((k.value for k in node.keywords if k.arg == "format"), None)
            if not (
                (isinstance(given, ast.Constant) and given.value == pt_br.DATE_FORMAT)
                or (isinstance(given, ast.Attribute) and given.attr == "DATE_FORMAT")
            ):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert files and not missing, f"date fields without format=DD/MM/YYYY: {missing}"

"""Which pages each role sees. app.py builds st.navigation from this, before and after login.

Every page has a pt-BR `url_path` that differs from its file name. Besides giving staff readable
addresses (/desconto, /atendimentos), this keeps AppTest honest: with a `pages/` folder, AppTest
1.67 resolves a rerun whose page hash matches a file's own name straight to that file and skips
app.py (and with it the login check and the navigation).

Streamlit serves the default page at the bare address and reaches it by no name: its `url_path`
only reserves a name, which then answers "Page not found" (in English, with a jump to the start
page). So the default page gets an internal name (`…-padrao`) and its public one (/inicio,
/entrar) is a hidden alias. Every other address no page has (or one the role may not open) is
given to a hidden pt-BR "Página não encontrada" page (pages/not_found.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import streamlit as st

from lib.auth import Perm, User, can


@dataclass(frozen=True)
class PageSpec:
    path: str
    url_path: str
    title: str
    icon: str
    section: str
    permission: str
    default: bool = False

    def page(self) -> st.Page:
        return st.Page(
            self.path,
            title=self.title,
            icon=self.icon,
            url_path=f"{self.url_path}-padrao" if self.default else self.url_path,
            default=self.default,
        )

    def alias(self, url_path: str) -> st.Page:
        """This page under another address, hidden from the menu."""
        return st.Page(self.path, title=self.title, url_path=url_path, visibility="hidden")


# One line a page, in menu order (kept unformatted so parallel branches merge cleanly).
# fmt: off
PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "inicio", "Início", ":material/home:", "Atendimento", Perm.READ_TICKETS, True),
    PageSpec("pages/tickets.py", "atendimentos", "Atendimentos", ":material/list_alt:", "Atendimento", Perm.READ_TICKETS),
    PageSpec("pages/discount_request.py", "desconto", "Desconto em fatura", ":material/request_quote:", "Atendimento", Perm.OPEN_DISCOUNT),
    PageSpec("pages/new_ticket.py", "novo-atendimento", "Novo atendimento", ":material/add_circle:", "Atendimento", Perm.OPEN_TICKET),
    PageSpec("pages/incidents.py", "incidentes", "Incidentes", ":material/crisis_alert:", "Atendimento", Perm.VIEW_INCIDENTS),
    PageSpec("pages/customers.py", "clientes", "Clientes", ":material/person_search:", "Atendimento", Perm.VIEW_CUSTOMERS),
    PageSpec("pages/billing.py", "faturamento", "Faturamento", ":material/receipt_long:", "Financeiro", Perm.BILLING),
    PageSpec("pages/charts.py", "graficos", "Gráficos", ":material/bar_chart:", "Gestão", Perm.VIEW_CHARTS),
    PageSpec("pages/users.py", "usuarios", "Usuários", ":material/group:", "Gestão", Perm.MANAGE_USERS),
    PageSpec("pages/catalogs.py", "cadastros", "Cadastros", ":material/category:", "Gestão", Perm.MANAGE_SETTINGS),
    PageSpec("pages/settings.py", "configuracoes", "Configurações", ":material/settings:", "Gestão", Perm.MANAGE_SETTINGS),
    PageSpec("pages/audit.py", "auditoria", "Auditoria", ":material/policy:", "Gestão", Perm.VIEW_AUDIT),
    PageSpec("pages/backups.py", "backup", "Backups", ":material/backup:", "Gestão", Perm.MANAGE_BACKUPS),
    PageSpec("pages/ixc_import.py", "importar-ixc", "Importar do IXC", ":material/cloud_download:", "Gestão", Perm.IMPORT_CUSTOMERS),
]
# fmt: on

LOGIN_PAGE = PageSpec("pages/login.py", "entrar", "Entrar", ":material/login:", "", "", True)
NOT_FOUND_PATH = "pages/not_found.py"
NOT_FOUND_TITLE = "Página não encontrada"


def visible_pages(user: User | None) -> list[PageSpec]:
    """Before login, only the login page; after, the pages the user's role may open."""
    if user is None:
        return [LOGIN_PAGE]
    return [spec for spec in PAGES if can(user, spec.permission)]


def requested_path() -> str:
    """The page address the browser asked for ("nao-existe"; "" for the start page).

    Streamlit's page addresses are one path segment after the server's base path. Once a run
    has registered its pages, st.context.url may append the current page's address to the
    browser's (".../nao-existe/nao-existe"), so only the first segment counts."""
    path = unquote(urlsplit(st.context.url or "").path).strip("/")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :]
    return path.strip("/").split("/")[0]


def pages_for(user: User | None, requested: str = "") -> dict[str, list] | list:
    """The pages for st.navigation. `requested` is the address asked for (requested_path());
    every address gets a page, so Streamlit never answers with its English "Page not found"."""
    start = start_page(user)
    # Addresses the start page answers to besides the bare one: its own name and the login
    # form's; before login, every page's too, so a bookmarked or shared link (with its query
    # string) shows the login form and then opens that page right after login.
    names = {start.url_path, LOGIN_PAGE.url_path}
    if user is None:
        names |= {spec.url_path for spec in PAGES}
    hidden = [start.alias(name) for name in sorted(names)]
    if requested and requested not in names | {spec.url_path for spec in visible_pages(user)}:
        hidden.append(
            st.Page(NOT_FOUND_PATH, title=NOT_FOUND_TITLE, url_path=requested, visibility="hidden")
        )
    if user is None:
        return [start.page(), *hidden]
    sections: dict[str, list] = {}
    for spec in visible_pages(user):
        sections.setdefault(spec.section, []).append(spec.page())
    next(iter(sections.values())).extend(hidden)  # hidden: no menu entry, no section header
    return sections


def start_page(user: User | None) -> PageSpec:
    """The page the bare address opens: the login form before login, else the role's first."""
    specs = visible_pages(user)
    return next((spec for spec in specs if spec.default), specs[0])


def not_found_text(user: User | None, requested: str) -> tuple[str, str]:
    """The heading and the sentence the not-found page shows for the address `requested`
    (which people type: show it as plain text)."""
    spec = next((spec for spec in PAGES if spec.url_path == requested), None)
    if user is not None and spec is not None:
        return "Sem acesso", f"O perfil {user.role_label} não tem acesso à página {spec.title}."
    return NOT_FOUND_TITLE, f"O endereço /{requested} não existe neste sistema."

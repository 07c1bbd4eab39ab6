"""Which pages each role sees. app.py builds st.navigation from this, before and after login.

Every page has a pt-BR `url_path` that differs from its file name. Besides giving staff readable
addresses (/desconto, /atendimentos), this keeps AppTest honest: with a `pages/` folder, AppTest
1.67 resolves a rerun whose page hash matches a file's own name straight to that file and skips
app.py (and with it the login check and the navigation).
"""

from __future__ import annotations

from dataclasses import dataclass

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
            url_path=self.url_path,
            default=self.default,
        )


# One line a page, in menu order (kept unformatted so parallel branches merge cleanly).
# fmt: off
PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "inicio", "Início", ":material/home:", "Atendimento", Perm.READ_TICKETS, True),
    PageSpec("pages/tickets.py", "atendimentos", "Atendimentos", ":material/list_alt:", "Atendimento", Perm.READ_TICKETS),
    PageSpec("pages/discount_request.py", "desconto", "Desconto em fatura", ":material/request_quote:", "Atendimento", Perm.OPEN_DISCOUNT),
    PageSpec("pages/new_ticket.py", "novo-atendimento", "Novo atendimento", ":material/add_circle:", "Atendimento", Perm.OPEN_TICKET),
    PageSpec("pages/charts.py", "graficos", "Gráficos", ":material/bar_chart:", "Gestão", Perm.VIEW_CHARTS),
    PageSpec("pages/users.py", "usuarios", "Usuários", ":material/group:", "Gestão", Perm.MANAGE_USERS),
    PageSpec("pages/catalogs.py", "cadastros", "Cadastros", ":material/category:", "Gestão", Perm.MANAGE_SETTINGS),
    PageSpec("pages/settings.py", "configuracoes", "Configurações", ":material/settings:", "Gestão", Perm.MANAGE_SETTINGS),
    PageSpec("pages/audit.py", "auditoria", "Auditoria", ":material/policy:", "Gestão", Perm.VIEW_AUDIT),
    PageSpec("pages/backups.py", "backup", "Backups", ":material/backup:", "Gestão", Perm.MANAGE_SETTINGS),
]
# fmt: on

LOGIN_PAGE = PageSpec("pages/login.py", "entrar", "Entrar", ":material/login:", "", "", True)


def visible_pages(user: User | None) -> list[PageSpec]:
    """Before login, only the login page; after, the pages the user's role may open."""
    if user is None:
        return [LOGIN_PAGE]
    return [spec for spec in PAGES if can(user, spec.permission)]


def pages_for(user: User | None) -> dict[str, list] | list:
    specs = visible_pages(user)
    if user is None:
        # Every page's address shows the login form until someone logs in, so a bookmarked or
        # shared link (with its query string) opens that page right after login instead of
        # Streamlit's English "page not found". These aliases are hidden from the menu.
        aliases = [
            st.Page(
                LOGIN_PAGE.path, title=LOGIN_PAGE.title, url_path=spec.url_path, visibility="hidden"
            )
            for spec in PAGES
            if not spec.default
        ]
        return [spec.page() for spec in specs] + aliases
    sections: dict[str, list] = {}
    for spec in specs:
        sections.setdefault(spec.section, []).append(spec.page())
    return sections

"""The optional ticket fields both forms share (the procedure's names, IXC codes).

The general "Novo atendimento" form places each field in the procedure's order; the discount
form shows `extras_block` inside a collapsed "Mais campos do atendimento". One component, so the
two forms never drift apart.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.auth import User
from lib.domain import BEST_TIME_LABELS, PENDING_INTERACTION_LABELS, PRIORITY_LABELS
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import lookups
from lib.usecases.opening import TicketExtras
from ui import forms
from ui.text import plain


class TicketFields:
    def __init__(self, store: Store, user: User, key: str) -> None:
        self.store, self.user, self.key = store, user, key

    def _options(self, table: str) -> dict[int, dict]:
        return {o["id"]: o for o in lookups.options(self.store, self.user, table)}

    def process(self) -> int | None:
        processes = self._options("process")
        return st.selectbox(
            "Processo",
            list(processes),
            index=None,
            format_func=lambda i: processes[i]["name"],
            key=f"{self.key}process",
            placeholder="Nenhum",
            help="Processo interno que abre ordens de serviço (opcional).",
        )

    def responsible(self, department_id: int | None = None) -> int | None:
        staff = {s["id"]: s for s in lookups.staff_options(self.store, self.user)}
        ordered = sorted(
            staff, key=lambda i: (staff[i]["department_id"] != department_id, staff[i]["name"])
        )
        return st.selectbox(
            "Técnico responsável",
            ordered,
            index=None,
            format_func=lambda i: (
                f"{staff[i]['name']} · {staff[i]['department'] or 'sem departamento'}"
            ),
            key=f"{self.key}responsible",
            placeholder="Ninguém ainda (quem assumir fica responsável)",
        )

    def priority(self, default: str = "M", *, required: bool = False) -> str:
        codes = list(PRIORITY_LABELS)
        key = f"{self.key}priority"
        return st.selectbox(
            "Prioridade",
            codes,
            # a value put in session state (a subject's default) wins; passing a default index
            # as well would make Streamlit warn about two sources
            index=0 if key in st.session_state else codes.index(default),
            format_func=forms.labels(PRIORITY_LABELS),
            key=key,
            required=required,
        )

    def reserved(self) -> tuple[date | None, str | None]:
        left, right = st.columns(2)
        reserved = left.date_input(
            "Data reservada",
            value=None,
            format="DD/MM/YYYY",
            key=f"{self.key}reserved_date",
            min_value=clock_now().date(),  # São Paulo's today, not the server's
        )
        best = right.selectbox(
            "Melhor horário reserva",
            list(BEST_TIME_LABELS),
            index=None,
            format_func=forms.labels(BEST_TIME_LABELS),
            key=f"{self.key}best_time",
            placeholder="Sem preferência",
        )
        return reserved, best

    def canned_response(self) -> int | None:
        canned = self._options("canned_response")
        chosen = st.selectbox(
            "Resposta padrão",
            list(canned),
            index=None,
            format_func=lambda i: canned[i]["title"],
            key=f"{self.key}canned",
            placeholder="Nenhuma",
            help="O texto entra nas mensagens do atendimento, visível ao cliente na central do assinante.",
        )
        if chosen is not None:
            st.caption(f"Mensagem ao cliente: “{plain(canned[chosen]['body'])}”")
        return chosen

    def pending_interaction(self, *, required: bool = False) -> str:
        codes = list(PENDING_INTERACTION_LABELS)
        return st.selectbox(
            "Interação pendente",
            codes,
            index=codes.index("N"),
            format_func=forms.labels(PENDING_INTERACTION_LABELS),
            key=f"{self.key}pending",
            required=required,
        )

    def complementary_status(self) -> int | None:
        statuses = self._options("complementary_status")
        return st.selectbox(
            "Status complementar",
            list(statuses),
            index=None,
            format_func=lambda i: statuses[i]["name"],
            key=f"{self.key}complementary",
            placeholder="Nenhum",
        )

    def extras_block(self, department_id: int | None = None) -> TicketExtras:
        """The subset the discount form offers under "Mais campos do atendimento"."""
        left, right = st.columns(2)
        with left:
            priority = self.priority()
        with right:
            responsible = self.responsible(department_id)
        reserved, best = self.reserved()
        left, right = st.columns(2)
        with left:
            pending = self.pending_interaction()
        with right:
            canned = self.canned_response()
        return TicketExtras(
            priority=priority,
            responsible_id=responsible,
            reserved_date=reserved,
            best_time=best,
            pending_interaction=pending,
            canned_response_id=canned,
        )

"""The optional ticket fields both forms share (the procedure's names, IXC codes).

The general "Novo atendimento" form places each field in the procedure's order; the discount
form shows `extras_block` inside a collapsed "Mais campos do atendimento". One component, so the
two forms never drift apart.
"""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from lib.auth import User
from lib.domain import BEST_TIME_LABELS, PENDING_INTERACTION_LABELS, PRIORITY_LABELS
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import lookups
from lib.usecases.opening import TicketExtras, reserved_date_problem
from ui import forms
from ui.text import plain

# The date widgets take (almost) any date. Streamlit 1.67 keeps a typed date outside a
# widget's min/max on screen, with its range error, but never sends it to the script, which
# goes on with the old value: 01/01/1900 was saved as today, a past "Data reservada" as empty.
# With the widest range every typed date arrives, and the use-cases refuse it in pt-BR. The
# range ends in 9998: a range reaching year 9999 crashes the browser tab as soon as a year
# 9999 is typed (seen in Chromium). So a year 9999 is the one date that still never arrives,
# and date_guard() stops the save in the browser while the field shows it.
ANY_DATE_MIN, ANY_DATE_MAX = date(1, 1, 1), date(9998, 12, 31)
ANY_DATETIME_MIN, ANY_DATETIME_MAX = datetime(1, 1, 1), datetime(9998, 12, 31, 23, 59)

# Runs in the browser (once per tab): a click on a form's save button while a date field
# shows Streamlit's range error is stopped before Streamlit sees it, with a pt-BR notice.
_DATE_GUARD = """<script data-date-guard>
(() => {
  if (window.__descontoDateGuard) return;
  window.__descontoDateGuard = true;
  const SAVE = ".st-key-discount_save button, .st-key-novo_save button";
  const BAD = "[data-testid=stDateInputError], [data-testid=stDateTimeInputError]";
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element) || !target.closest(SAVE)) return;
    if (!document.querySelector(BAD)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    let note = document.getElementById("desconto-date-guard");
    if (!note) {
      note = document.createElement("div");
      note.id = "desconto-date-guard";
      note.setAttribute("role", "alert");
      note.style.cssText = "position:fixed;right:1.5rem;bottom:1.5rem;max-width:26rem;" +
        "z-index:1000;padding:0.9rem 1.1rem;border-radius:0.5rem;background:#fdecea;" +
        "color:#7d1a1a;font:0.95rem/1.4 sans-serif;box-shadow:0 2px 10px rgba(0,0,0,.2)";
      document.body.appendChild(note);
    }
    note.textContent = "Não foi salvo: uma data está fora do intervalo aceito e não foi " +
      "registrada. Corrija ou limpe a data marcada com erro antes de salvar.";
    clearTimeout(note.hideTimer);
    note.hideTimer = setTimeout(() => note.remove(), 10000);
  }, true);
})();
</script>"""


def date_guard() -> None:
    """Stop a save while a date field shows a date it did not send (see ANY_DATE_MAX)."""
    st.html(
        "<style>[data-testid='stElementContainer']:has(script[data-date-guard])"
        "{display:none}</style>" + _DATE_GUARD,
        unsafe_allow_javascript=True,
    )


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
            min_value=ANY_DATE_MIN,
            max_value=ANY_DATE_MAX,
        )
        problem = reserved_date_problem(reserved, clock_now().date())  # São Paulo's today
        if problem:
            left.error(problem, icon=":material/event_busy:")
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

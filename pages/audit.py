"""Auditoria (supervisors): who changed users, settings and catalogs, and the login attempts."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import Perm
from lib.domain import now
from lib.usecases import audit
from ui import forms, session

user = session.require(Perm.VIEW_AUDIT)
store = session.store()
st.title("Auditoria")
st.caption(
    "Alterações de usuários, configurações e cadastros: quem, quando, o quê, valor anterior e "
    "novo, e de qual endereço. O registro não pode ser editado nem apagado."
)

changes_tab, attempts_tab = st.tabs(["Alterações", "Tentativas de entrada"])

with changes_tab:
    actors = audit.actors(store, user)
    today = now().date()
    row = st.columns([2, 2, 3, 3], vertical_alignment="bottom")
    period = row[0].date_input(
        "Período",
        (today - timedelta(days=30), today),
        format="DD/MM/YYYY",
        key="au_period",
    )
    actor_id = row[1].selectbox(
        "Quem",
        list(actors),
        index=None,
        format_func=forms.labels(actors),
        placeholder="Todos",
        key="au_actor",
    )
    actions = row[2].multiselect(
        "Ação",
        list(audit.ACTIONS),
        format_func=forms.labels(audit.ACTIONS),
        placeholder="Todas",
        key="au_actions",
    )
    text = row[3].text_input(
        "Buscar", placeholder="Usuário, cadastro, campo ou valor", max_chars=100, key="au_text"
    )
    days = list(period) if isinstance(period, tuple | list) else [period]
    filters = audit.AuditFilters(
        date_from=days[0] if days else None,
        date_to=days[1] if len(days) > 1 else (days[0] if days else None),
        actor_id=actor_id,
        actions=tuple(actions),
        text=text,
    )
    entries = audit.entries(store, user, filters)
    st.caption(
        f"{fmt.number(len(entries), 0)} {'alteração' if len(entries) == 1 else 'alterações'}"
        + (" (as 500 mais recentes; restrinja os filtros)" if len(entries) == 500 else "")
    )
    if not entries:  # the data grid would say "empty", in English, inside its canvas
        st.info("Nenhuma alteração registrada com estes filtros.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Quando": [fmt.day_time(e["logged_at"]) for e in entries],
                    "Quem": [e["actor"] for e in entries],
                    "Ação": [e["action_label"] for e in entries],
                    "O quê": [e["target"] for e in entries],
                    "Campo": [e["field"] or "" for e in entries],
                    "Antes": [e["old_value"] or "" for e in entries],
                    "Depois": [e["new_value"] or "" for e in entries],
                    "Endereço": [e["client_address"] or "local" for e in entries],
                },
            ),
            hide_index=True,
            width="stretch",
        )

with attempts_tab:
    st.caption(
        "As 200 tentativas mais recentes. Um nome de usuário que não existe não é mostrado "
        "(pode ser uma senha digitada no campo errado): aparece como “não cadastrado”."
    )
    attempts = audit.login_attempts(store, user)
    if not attempts:  # the data grid would say "empty", in English, inside its canvas
        st.info("Nenhuma tentativa de entrada registrada.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Quando": [fmt.day_time(a["attempted_at"]) for a in attempts],
                    "Usuário": [a["username"] or "— não cadastrado —" for a in attempts],
                    "Resultado": [
                        "entrou" if a["success"] else (a["detail"] or "recusado") for a in attempts
                    ],
                    "Endereço": [a["client_address"] or "local" for a in attempts],
                }
            ),
            hide_index=True,
            width="stretch",
        )

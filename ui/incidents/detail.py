"""One incident: its figures (affected customers, requests, R$ computed, approved and applied,
who has not asked), the map of affected boxes, closing and editing (NOC, supervisor), its
requests with the bulk approval, individual requests to merge, and its history."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from lib import fmt
from lib.auth import Perm, User, can
from lib.domain import DECISION_LABELS, REASONS, STATUS_LABELS, TZ, Action, DomainError
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import bulk_actions, incidents, settings
from lib.usecases.incidents import EVENT_LABELS, SCOPE_KINDS
from ui import errors, spec_cache
from ui.chart_blocks import Unvalidated
from ui.incidents import charts
from ui.incidents.form import FLASH, fields, save_edit
from ui.text import plain
from ui.ticket_fields import ANY_DATETIME_MAX, ANY_DATETIME_MIN

JOB = "incidents_bulk_job"
RESULT = "incidents_bulk_result"


@errors.callback_guard
def _close(store: Store, user: User, incident_id: int, version: int) -> None:
    value = st.session_state.get(f"inc_end_{incident_id}")
    end = value.replace(tzinfo=TZ) if isinstance(value, datetime) else None
    try:
        result = incidents.close_incident(store, user, incident_id, end, version)
    except DomainError as exc:
        st.session_state[FLASH] = ("erro", errors.refusal(exc))
        return
    st.session_state[FLASH] = ("ok", result.message)


@errors.callback_guard
def _merge(store: Store, user: User, incident_id: int, row: dict) -> None:
    try:
        note = incidents.merge_request(
            store,
            user,
            incident_id,
            row["ticket_id"],
            expected_status=row["status"],
            expected_decision=row["decision"],
        )
    except DomainError as exc:
        st.session_state[FLASH] = ("erro", errors.refusal(exc))
        return
    st.session_state[FLASH] = ("ok", f"Pedido #{row['ticket_id']}: {note}")


def _queue_approval(incident_id: int, items: tuple) -> None:
    st.session_state[JOB] = (incident_id, items)
    st.session_state.pop(RESULT, None)


def _run_queued(store: Store, user: User) -> None:
    if job := st.session_state.pop(JOB, None):
        incident_id, items = job
        bar = st.progress(0.0, text=f"Aprovando: 0 de {len(items)}")

        def progress(i: int, n: int) -> None:
            bar.progress(i / n, text=f"Aprovando: {i} de {n}")

        outcomes = incidents.approve_all(store, user, incident_id, list(items), progress)
        bar.empty()
        st.session_state[RESULT] = outcomes
    if shown := st.session_state.get(RESULT):
        outcomes = shown
        refused = [o for o in outcomes if not o.ok]
        summary = bulk_actions.bulk_summary(Action.APROVAR, outcomes)
        (st.warning if refused else st.success)(plain(summary))
        if refused:
            st.dataframe(
                [{"Protocolo": o.protocol, "Motivo da recusa": o.message} for o in refused],
                hide_index=True,
                width="stretch",
                key="incidents_bulk_refused",
            )
        st.button(
            "Fechar resumo",
            key="incidents_bulk_close",
            on_click=lambda: st.session_state.pop(RESULT, None),
        )


def _figures(view: incidents.IncidentView) -> None:
    money = view.money()
    not_asked = view.not_asked()
    a, b, c, d = st.columns(4)
    a.metric("Clientes afetados", fmt.number(view.customers, 0))
    b.metric("Pedidos recebidos", fmt.number(len(view.received), 0))
    c.metric("Não pediram", fmt.number(len({m["customer_id"] for m in not_asked}), 0))
    d.metric("Pedidos automáticos", fmt.number(len(view.automatic), 0))
    a, b, c, _ = st.columns(4)
    a.metric("Calculado", fmt.brl(money["computed"]))
    b.metric("Aprovado", fmt.brl(money["approved"]))
    c.metric("Aplicado", fmt.brl(money["applied"]))


def _close_block(store: Store, user: User, view: incidents.IncidentView) -> None:
    inc = view.incident
    rules = settings.current(store, user)
    with st.container(border=True, key="incident_close"):
        st.markdown("**Encerrar incidente**")
        st.session_state.setdefault(
            f"inc_end_{inc['id']}", clock_now().replace(tzinfo=None, second=0, microsecond=0)
        )
        st.datetime_input(
            "Fim do incidente (retorno do sinal)",
            value=None,
            key=f"inc_end_{inc['id']}",
            format="DD/MM/YYYY",
            step=60,
            min_value=ANY_DATETIME_MIN,
            max_value=ANY_DATETIME_MAX,
        )
        waiting = sum(r["decision"] == "aguardando_retorno" for r in view.requests)
        text = f"Registra o retorno do sinal e calcula o valor de {waiting} pedido(s) vinculado(s)."
        if rules.incident_auto_compensation:
            text += (
                " O ressarcimento automático está ligado: cada contrato afetado sem pedido "
                "recebe um pedido automático."
            )
        else:
            text += " O ressarcimento automático está desligado (Configurações)."
        st.caption(text)
        st.button(
            "Encerrar incidente",
            key="incident_close_btn",
            type="primary",
            on_click=_close,
            args=(store, user, inc["id"], inc["version"]),
        )


def _requests_tab(store: Store, user: User, view: incidents.IncidentView) -> None:
    if not view.requests:
        st.info("Nenhum pedido vinculado a este incidente ainda.")
        return
    st.dataframe(
        [
            {
                "Atendimento": r["ticket_id"],
                "Protocolo": r["protocol"],
                "Cliente": r["customer"],
                "Contrato": r["contract_id"],
                "Status": STATUS_LABELS.get(r["status"], r["status"]),
                "Decisão": DECISION_LABELS.get(r["decision"], r["decision"]),
                "Automático": "Sim" if r["automatic"] else "Não",
                "Minutos": "" if r["minutes"] is None else r["minutes"],
                "Calculado": fmt.brl(r["computed_amount"])
                if r["computed_amount"] is not None
                else "",
                "Aprovado": fmt.brl(r["approved_amount"])
                if r["approved_amount"] is not None
                else "",
            }
            for r in view.requests
        ],
        hide_index=True,
        width="stretch",
        key="incident_requests",
    )
    pending = tuple(
        (r["ticket_id"], r["protocol"], r["status"], r["decision"])
        for r in view.requests
        if r["decision"] == "pendente"
    )
    if can(user, Action.APROVAR):
        st.button(
            f"Aprovar os {len(pending)} pedidos pendentes",
            key="incident_approve_all",
            icon=":material/done_all:",
            disabled=not pending,
            on_click=_queue_approval,
            args=(view.incident["id"], pending),
            help="Cada pedido é assumido (se estiver Novo) e aprovado pelo valor calculado, com "
            "as regras do financeiro: acima do limite de mensalidades, só no detalhe.",
        )


def _overlaps_tab(store: Store, user: User, view: incidents.IncidentView) -> None:
    if not view.overlaps:
        st.info("Nenhum pedido individual sobreposto ao período do incidente.")
        return
    st.caption(
        "Pedidos abertos sem o incidente, de contratos afetados, cujo período cruza o do "
        "incidente. Incorporar: o pedido passa a ser do incidente (ou é cancelado, se o "
        "incidente já tem pedido para o contrato)."
    )
    for o in view.overlaps:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.text(
            f"#{o['ticket_id']} (protocolo {o['protocol']}), contrato {o['contract_id']}: "
            f"{fmt.day_time(o['start'])} a {fmt.day_time(o['end'])} — "
            f"{DECISION_LABELS.get(o['decision'], o['decision'])}"
        )
        if can(user, Action.CANCELAR):
            row.button(
                "Incorporar",
                key=f"incident_merge_{o['ticket_id']}",
                on_click=_merge,
                args=(store, user, view.incident["id"], o),
            )


def render(store: Store, user: User, incident_id: int) -> None:
    _run_queued(store, user)  # before reading the incident: its figures show the outcome
    view = incidents.incident_view(store, user, incident_id)
    inc = view.incident
    state = f"encerrado em {fmt.day_time(inc['ended_at'])}" if inc["ended_at"] else "em andamento"
    st.subheader(plain(f"#{inc['id']} {inc['title']}"))
    st.text(
        f"{REASONS[inc['reason']].label} · início {fmt.day_time(inc['started_at'])} · {state}\n"
        f"{SCOPE_KINDS[inc['scope_kind']]}: {', '.join(view.scope)}"
    )
    if inc["cause"]:
        st.text(f"Causa: {inc['cause']}")
    _figures(view)
    if can(user, Perm.MANAGE_INCIDENTS) and inc["ended_at"] is None:
        _close_block(store, user, view)
    tabs = st.tabs(["Pedidos", "Sobrepostos", "Não pediram", "Mapa", "Histórico", "Editar"])
    with tabs[0]:
        _requests_tab(store, user, view)
    with tabs[1]:
        _overlaps_tab(store, user, view)
    with tabs[2]:
        missing = view.not_asked()
        if missing:
            st.dataframe(
                [
                    {
                        "Cliente": m["customer"],
                        "Login": m["username"],
                        "Contrato": m["contract_id"],
                        "Caixa": m["cto_box"],
                        "Bairro": m["neighbourhood"],
                        "Mensalidade": fmt.brl(m["monthly_fee"]) if m["monthly_fee"] else "",
                        "Pedido automático": "Sim" if m["automatic"] else "Não",
                    }
                    for m in missing
                ],
                hide_index=True,
                width="stretch",
                key="incident_not_asked",
            )
        else:
            st.info("Todos os clientes afetados já pediram o desconto.")
    with tabs[3]:
        points = charts.map_frame(view.members)
        if points.empty:
            st.info("Os logins afetados não têm coordenadas: não há mapa.")
        else:
            # cached by its data, unvalidated on the server (ui/spec_cache.py)
            st.altair_chart(  # type: ignore[call-overload]
                Unvalidated(
                    spec_cache.chart(charts.map_chart, points, charts.login_points(view.members))
                ),
                key="incident_map",
            )
            st.caption(
                f"Um círculo por caixa CTO/NAP afetada ({len(points)}), no centro dos seus "
                "logins, maior quanto mais logins; os pontos azuis são os logins."
            )
    with tabs[4]:
        st.dataframe(
            [
                {
                    "Quando": fmt.day_time(e["created_at"]),
                    "Quem": e["staff"] or "",
                    "O quê": EVENT_LABELS.get(e["kind"], e["kind"]),
                    "Nota": e["note"],
                }
                for e in view.events
            ],
            hide_index=True,
            width="stretch",
            key="incident_events",
        )
    with tabs[5]:
        if not can(user, Perm.MANAGE_INCIDENTS):
            st.caption("Só o NOC ou um supervisor edita incidentes.")
        else:
            key = f"inc_edit_{inc['id']}_{inc['version']}_"
            fields(store, user, key, {**inc, "scope": view.scope})
            st.button(
                "Salvar alterações",
                key="incident_edit_save",
                on_click=save_edit,
                args=(store, user, key, inc["id"], inc["version"]),
            )

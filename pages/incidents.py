"""Incidentes: mass outages (reasons 3-5). The NOC and supervisors open, edit and close them;
finance sees their impact and approves their requests in bulk; charts of incidents by reason
and month and the top incidents by customers and by R$."""

import streamlit as st

from lib import fmt
from lib.auth import Perm, can
from lib.domain import REASONS
from lib.usecases import incidents
from ui import session, spec_cache
from ui.chart_blocks import Unvalidated
from ui.incidents import charts, detail
from ui.incidents.form import FLASH, SELECTED, open_form
from ui.text import plain

user = session.require(Perm.VIEW_INCIDENTS)
store = session.store()
st.title("Incidentes")
st.caption(
    "Quedas que atingem muitos clientes: rompimento externo, queda massiva por configuração "
    "interna e roubo de caixa de emenda."
)
if message := st.session_state.pop(FLASH, None):
    (st.success if message[0] == "ok" else st.error)(plain(message[1]))
if can(user, Perm.MANAGE_INCIDENTS):
    open_form(store, user)

rows = incidents.list_incidents(store, user)
tab_list, tab_charts = st.tabs(["Incidentes", "Gráficos"])
LIST_WIDTHS = {
    name: st.column_config.Column(width=px)
    for name, px in (
        ("Nº", 44),
        ("Motivo", 150),
        ("Título", 210),
        ("Início", 118),
        ("Fim", 118),
        ("Clientes", 68),
        ("Pedidos", 66),
        ("Calculado", 96),
    )
}
with tab_list:
    if not rows:
        st.info("Nenhum incidente registrado.")
    else:
        ids = [r["id"] for r in rows]
        table_key = f"incidents_table_{len(ids)}_{ids[0]}"  # new data: a fresh selection
        st.dataframe(
            [
                {
                    "Nº": r["id"],
                    "Motivo": REASONS[r["reason"]].label,
                    "Título": r["title"],
                    "Início": fmt.day_time(r["started_at"]),
                    "Fim": fmt.day_time(r["ended_at"]) if r["ended_at"] else "em andamento",
                    "Clientes": r["customers"],
                    "Pedidos": r["requests"],
                    "Calculado": fmt.brl(r["computed"]),
                }
                for r in rows
            ],
            hide_index=True,
            width="stretch",
            column_config=LIST_WIDTHS,  # every column visible at 1366 px; hover reads a title
            height=min(38 + 35 * len(rows), 300),
            key=table_key,
            on_select="rerun",
            selection_mode="single-row",
        )
        clicked = (st.session_state.get(table_key) or {}).get("selection", {}).get("rows")
        if clicked and clicked[0] < len(ids):  # a row position: turn it into the id at once
            if st.session_state.get("incidents_clicked") != ids[clicked[0]]:
                st.session_state[SELECTED] = st.session_state["incidents_clicked"] = ids[clicked[0]]
        asked = st.query_params.get("id")  # a shared link: /incidentes?id=12
        if asked and asked.isdigit() and st.session_state.get("incidents_asked") != asked:
            st.session_state["incidents_asked"] = asked
            if int(asked) in ids:
                st.session_state[SELECTED] = int(asked)
        titles = {r["id"]: f"#{r['id']} {r['title']}" for r in rows}
        if st.session_state.get(SELECTED) not in ids:
            st.session_state[SELECTED] = ids[0]
        chosen = st.selectbox("Incidente", ids, format_func=lambda i: titles[i], key=SELECTED)
        detail.render(store, user, chosen)
with tab_charts:
    if not rows:
        st.info("Sem incidentes para os gráficos.")
    else:
        frame = charts.incidents_frame(rows)
        # specs cached by their data, drawn unvalidated on the server (ui/spec_cache.py)
        monthly = charts.monthly_frame(incidents.monthly_stats(store, user))
        st.altair_chart(  # type: ignore[call-overload]
            Unvalidated(spec_cache.chart(charts.monthly_chart, monthly)),
            key="incidents_chart_monthly",
        )
        # one above the other: an incident's label ("#12 05/11/2026 · title") needs the width
        for metric, key in (("customers", "customers"), ("computed", "money")):
            st.altair_chart(  # type: ignore[call-overload]
                Unvalidated(spec_cache.chart(charts.top_chart, frame, metric)),
                key=f"incidents_chart_{key}",
            )

"""Blocks of the Clientes page: the search results, a customer's record (contracts, logins,
tickets and discounts with totals per year) and the hand-made record forms."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import DECISION_LABELS, STATUS_LABELS, Decision, DomainError, Status
from lib.store import Store
from lib.usecases import customer_admin as ca
from ui import errors, forms
from ui.text import plain

FLASH = "cl_flash"


def flash() -> None:
    forms.flash(FLASH)


def results(found: list[dict]) -> int | None:
    """The hits; the id of the one clicked."""
    frame = pd.DataFrame(
        [
            {
                "Cliente": c["name"],
                "CPF/CNPJ": fmt.document(c["cpf_cnpj"]),
                "Telefones": c.get("phones") or "",
                "Bairro": c.get("neighbourhood") or "",
                "Cidade": c.get("city") or "",
            }
            for c in found
        ]
    )
    picked = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="cl_results",
    )
    rows = picked.selection.rows if picked else []
    return found[rows[0]]["id"] if rows and rows[0] < len(found) else None


def record(p: ca.Profile) -> None:
    c = p.customer
    st.subheader(plain(c["name"]))
    ixc = f" · IXC {c['ixc_id']}" if c.get("ixc_id") else " · sem ID do IXC"
    where = c.get("address") or ""
    for extra in (c.get("neighbourhood"), c.get("city")):
        if extra and extra not in where:
            where = f"{where} - {extra}" if where else extra
    st.caption(
        plain(
            f"{fmt.document(c['cpf_cnpj'])}{ixc} · {c.get('phones') or 'sem telefone'} · "
            f"{c.get('email') or 'sem e-mail'} · {where or 'sem endereço'}"
        )
    )
    tabs = st.tabs(["Contratos e logins", "Atendimentos", "Descontos por ano"])
    with tabs[0]:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Contrato": k["id"],
                        "Nº no IXC": k.get("ixc_id") or "",
                        "Plano": k["plan"],
                        "Mensalidade": fmt.brl(k["monthly_fee"]),
                        "Vencimento": f"dia {k['due_day']}",
                        "Situação": ca.CONTRACT_STATUSES.get(k["status"], k["status"]),
                    }
                    for k in p.contracts
                ],
                columns=["Contrato", "Nº no IXC", "Plano", "Mensalidade", "Vencimento", "Situação"],
            ),
            hide_index=True,
            width="stretch",
        )
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Login": lg["username"],
                        "Contrato": lg.get("contract_id") or "",
                        "CTO": lg.get("cto_box") or "",
                        "Endereço": lg.get("address") or "",
                    }
                    for lg in p.logins
                ],
                columns=["Login", "Contrato", "CTO", "Endereço"],
            ),
            hide_index=True,
            width="stretch",
        )
    with tabs[1]:
        if not p.tickets:
            st.caption("Nenhum atendimento deste cliente.")
        for t in p.tickets[:50]:
            decision = DECISION_LABELS[Decision(t["decision"])] if t["decision"] else ""
            amount = fmt.brl(t["approved_amount"] or t["computed_amount"]) if t["decision"] else ""
            st.page_link(
                "pages/tickets.py",
                # page_link labels render markdown: the subject is typed in Cadastros
                label=plain(
                    " · ".join(
                        x
                        for x in (
                            t["protocol"],
                            fmt.day(t["opened_at"]),
                            t["subject"],
                            STATUS_LABELS[Status(t["status"])],
                            decision,
                            amount,
                        )
                        if x
                    )
                ),
                query_params={"id": str(t["id"])},
            )
    with tabs[2]:
        if not p.years:
            st.caption("Nenhum atendimento deste cliente.")
        else:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Ano": str(y["year"]),
                            "Atendimentos": y["tickets"],
                            "Pedidos de desconto": y["discounts"],
                            "Calculado": fmt.brl(y["computed"]),
                            "Aprovado": fmt.brl(y["approved"]),
                            "Aplicado": fmt.brl(y["applied"]),
                        }
                        for y in p.years
                    ]
                ),
                hide_index=True,
                width="stretch",
            )


def _submit(run: Callable[[], int], done: str, *, new_customer: bool = False) -> bool:
    try:
        new_id = run()
    except DomainError as exc:
        st.session_state[FLASH] = ("erro", errors.refusal(exc))
        return False
    st.session_state[FLASH] = ("ok", done)
    if new_customer:
        st.session_state["cl_open"] = new_id  # the record just made
    return True


def customer_form(store: Store, user: User, current: dict | None) -> None:
    c = current or {}
    # a new customer's form moves to new keys after a save, so it comes back empty
    key = f"cl_cust_{c['id']}" if c else forms.form_prefix("cl_new") + "form"
    with st.form(key, border=False):
        name = st.text_input("Nome / razão social", c.get("name", ""), max_chars=200)
        a, b = st.columns(2)
        doc = a.text_input("CPF/CNPJ", fmt.document(c.get("cpf_cnpj")), max_chars=20)
        phones = b.text_input("Telefones (separados por vírgula)", c.get("phones") or "")
        email = st.text_input("E-mail", c.get("email") or "")
        address = st.text_input("Endereço", c.get("address") or "")
        a, b = st.columns(2)
        hood = a.text_input("Bairro", c.get("neighbourhood") or "")
        city = b.text_input("Cidade", c.get("city") or "")
        if st.form_submit_button("Salvar cliente", type="primary"):
            cid = c.get("id")
            saved = _submit(
                lambda: ca.save_customer(
                    store,
                    user,
                    cid,
                    name=name,
                    cpf_cnpj=doc,
                    phones=phones,
                    email=email,
                    address=address,
                    neighbourhood=hood,
                    city=city,
                    latitude=str(c.get("latitude") or ""),
                    longitude=str(c.get("longitude") or ""),
                ),
                "Cliente salvo.",
                new_customer=cid is None,
            )
            if saved and cid is None:
                forms.reset("cl_new")
            st.rerun()


def contract_form(store: Store, user: User, p: ca.Profile) -> None:
    options = {
        None: "Novo contrato",
        **{k["id"]: f"Contrato {k['id']} · {k['plan']}" for k in p.contracts},
    }
    chosen = st.selectbox(
        "Contrato", list(options), format_func=lambda i: options[i], key="cl_k_pick"
    )
    k = next((x for x in p.contracts if x["id"] == chosen), {})
    with st.form(f"cl_k_{chosen}", border=False):
        plan = st.text_input("Plano", k.get("plan", ""), max_chars=200)
        a, b, c = st.columns(3)
        fee = a.text_input("Mensalidade (R$)", fmt.number(k["monthly_fee"]) if k else "")
        due = b.number_input("Dia de vencimento", 1, 28, int(k.get("due_day", 10)))
        codes: list[str] = list(ca.CONTRACT_STATUSES)
        status = c.selectbox(
            "Situação",
            codes,
            index=codes.index(k.get("status", "A")),
            format_func=forms.labels(ca.CONTRACT_STATUSES),
        )
        if st.form_submit_button("Salvar contrato", type="primary"):
            _submit(
                lambda: ca.save_contract(
                    store,
                    user,
                    chosen,
                    customer_id=p.customer["id"],
                    plan=plan,
                    monthly_fee=fee,
                    due_day=int(due),
                    status=str(status),
                ),
                "Contrato salvo.",
            )
            st.rerun()


def login_form(store: Store, user: User, p: ca.Profile) -> None:
    options = {None: "Novo login", **{lg["id"]: lg["username"] for lg in p.logins}}
    chosen = st.selectbox("Login", list(options), format_func=lambda i: options[i], key="cl_l_pick")
    lg = next((x for x in p.logins if x["id"] == chosen), {})
    contracts = {k["id"]: f"Contrato {k['id']} · {k['plan']}" for k in p.contracts}
    with st.form(f"cl_l_{chosen}", border=False):
        a, b = st.columns(2)
        username = a.text_input("Usuário PPPoE", lg.get("username", ""), max_chars=100)
        ids = [None, *contracts]
        contract = b.selectbox(
            "Contrato",
            ids,
            index=ids.index(lg.get("contract_id")) if lg.get("contract_id") in ids else 0,
            format_func=lambda i: "Sem contrato" if i is None else contracts[i],
        )
        a, b = st.columns(2)
        cto = a.text_input("CTO/NAP", lg.get("cto_box") or "")
        hood = b.text_input("Bairro", lg.get("neighbourhood") or "")
        if st.form_submit_button("Salvar login", type="primary"):
            _submit(
                lambda: ca.save_login(
                    store,
                    user,
                    chosen,
                    customer_id=p.customer["id"],
                    username=username,
                    contract_id=contract,
                    cto_box=cto,
                    address=lg.get("address") or "",
                    neighbourhood=hood,
                ),
                "Login salvo.",
            )
            st.rerun()

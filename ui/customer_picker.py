"""Cliente, Login, Contrato and Origem do endereço: the block both ticket forms start with.

The search commits while the attendant types (text_input live) and runs in SQL on the store.
An exact key (PPPoE login, contract number, CPF/CNPJ, protocol) comes first and is picked at
once, with the login and contract it names. Login and Contrato come pre-selected when the
customer has only one, and each narrows the other: a login offers only its own contract.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import ADDRESS_ORIGIN_LABELS, DomainError
from lib.store import Store
from lib.usecases import lookups
from lib.usecases.opening import AddressChoice
from ui import forms


@dataclass
class CustomerChoice:
    customer_id: int | None = None
    login_id: int | None = None
    contract_id: int | None = None
    address: AddressChoice = field(default_factory=AddressChoice)
    customer: dict | None = None
    contract: dict | None = None
    login: dict | None = None


def _customer_label(c: dict) -> str:
    doc = fmt.document(c["cpf_cnpj"])
    where = c.get("neighbourhood") or ""
    return f"{c['name']} · {doc}" + (f" · {where}" if where else "")


def _contract_label(c: dict) -> str:
    ixc = f" (IXC {c['ixc_id']})" if c.get("ixc_id") else ""
    return f"Contrato {c['id']}{ixc} · {c['plan']} · {fmt.brl(c['monthly_fee'])} · vence dia {c['due_day']}"


def _login_label(lg: dict) -> str:
    extra = " · ".join(x for x in (lg.get("cto_box"), lg.get("neighbourhood")) if x)
    return lg["username"] + (f" · {extra}" if extra else "")


def customer_picker(
    store: Store,
    user: User,
    key: str,
    *,
    preset_customer_id: int | None = None,
    login_required: bool = False,
    after_links: Callable[[], None] | None = None,
    address_without_customer: bool = False,
) -> CustomerChoice:
    """Render the customer block; returns what is chosen so far (ids may be None).

    `after_links`, when given, renders fields that belong between Contrato and Origem do endereço
    (the general form's Assunto and Descrição do assunto); it runs even with no customer chosen.
    `address_without_customer` offers a typed (Manual) address when no customer is chosen, for
    tickets that concern the network rather than a customer (ROMPIMENTO DE FIBRA).
    """
    choice = CustomerChoice()
    pending = [after_links] if after_links else []

    def _between() -> None:
        while pending:
            pending.pop()()

    customer_id: int | None
    if preset_customer_id is not None:
        candidates = [preset_customer_id]
        bundle = lookups.customer_bundle(store, user, preset_customer_id)
        labels = {preset_customer_id: _customer_label(bundle.customer)} if bundle else {}
        if not labels:
            st.error("Cliente não encontrado.")
            _between()
            return choice
        if st.session_state.get(f"{key}customer") != preset_customer_id:
            # the same key may hold a search result (or None) from before the preset
            st.session_state[f"{key}customer"] = preset_customer_id
        customer_id = st.selectbox(
            "Cliente",
            candidates,
            format_func=forms.labels(labels),
            key=f"{key}customer",
            disabled=True,
        )
    else:
        query = st.text_input(
            "Cliente",
            key=f"{key}q",
            live=True,
            placeholder="Nome, CPF/CNPJ, login PPPoE, nº do contrato ou telefone",
            help="Digite pelo menos 2 caracteres; a lista abaixo se atualiza enquanto você digita.",
        )
        found = lookups.search_customers(store, user, query or "")
        labels = {c["id"]: _customer_label(c) for c in found}
        _pick_exact(key, query or "", found)
        # keep the customer already chosen while the text changes
        chosen = st.session_state.get(f"{key}customer")
        if chosen is not None and chosen not in labels:
            bundle = lookups.customer_bundle(store, user, chosen)
            if bundle:
                labels = {chosen: _customer_label(bundle.customer), **labels}
        if query and len(query.strip()) >= 2 and not found:
            st.caption("Nenhum cliente encontrado com esse texto.")
        if len(labels) == 1 and chosen not in labels:
            # a keyed selectbox keeps its value when its options change: pre-select by state
            st.session_state[f"{key}customer"] = next(iter(labels))
        customer_id = st.selectbox(
            "Resultado da busca",
            list(labels),
            index=None,
            format_func=forms.labels(labels),
            key=f"{key}customer",
            placeholder="Escolha o cliente",
            label_visibility="collapsed",
        )
    if customer_id is None:
        _between()
        if address_without_customer:
            text = st.text_input(
                "Endereço",
                key=f"{key}manual_address",
                placeholder="Sem cliente: digite o endereço, se houver (origem Manual)",
            )
            if (text or "").strip():
                choice.address = AddressChoice("M", text)
        return choice
    bundle = lookups.customer_bundle(store, user, customer_id)
    if bundle is None:
        st.error("Cliente não encontrado.")
        _between()
        return choice
    choice.customer_id, choice.customer = customer_id, bundle.customer

    logins = {lg["id"]: lg for lg in bundle.logins}
    contracts = {c["id"]: c for c in bundle.contracts}
    state = st.session_state
    login_key = f"{key}login_{customer_id}"
    # a contract chosen before any login narrows the logins to that contract's (its only one
    # is picked); once a login is chosen, every login is offered again
    login_options = list(logins)
    first_contract = state.get(f"{key}contract_{customer_id}_None")
    if state.get(login_key) is None and first_contract is not None:
        login_options = [
            i for i, lg in logins.items() if lg.get("contract_id") in (None, first_contract)
        ]
    # pre-select a single option (by state: a keyed selectbox keeps its value across reruns)
    if len(login_options) == 1 and (login_key not in state or state[login_key] is None):
        state[login_key] = login_options[0]
        login_options = list(logins)
    left, right = st.columns(2)
    with left:
        login_id = st.selectbox(
            "Login",
            login_options,
            index=None,
            format_func=lambda i: _login_label(logins[i]),
            key=login_key,
            placeholder="Escolha o login" if logins else "Cliente sem login",
            required=login_required,
        )
    # a login tied to a contract goes with that contract only (its fee is the discount's)
    own = logins[login_id].get("contract_id") if login_id is not None else None
    contract_options = [own] if own in contracts else list(contracts)
    contract_key = f"{key}contract_{customer_id}_{login_id}"
    if len(contract_options) == 1 and contract_key not in state:
        state[contract_key] = contract_options[0]
    with right:
        contract_id = st.selectbox(
            "Contrato",
            contract_options,
            index=None,
            format_func=lambda i: _contract_label(contracts[i]),
            key=contract_key,
            placeholder="Escolha o contrato",
            required=login_required,
        )
    choice.login_id, choice.contract_id = login_id, contract_id
    choice.login = logins.get(login_id) if login_id is not None else None
    choice.contract = contracts.get(contract_id) if contract_id is not None else None
    _between()

    origin = st.radio(
        "Origem do endereço",
        list(ADDRESS_ORIGIN_LABELS),
        format_func=ADDRESS_ORIGIN_LABELS.get,
        horizontal=True,
        key=f"{key}origin",
    )
    manual: str | None = ""
    address: str | None
    lat: float | None
    lon: float | None
    if origin == "M":
        manual = st.text_input(
            "Endereço",
            key=f"{key}manual_address",
            placeholder="Rua, número - bairro",
            required=True,
        )
        address, lat, lon = manual, None, None
    else:
        try:
            address, lat, lon = lookups.address_preview(
                store, user, AddressChoice(origin), customer_id, login_id, contract_id
            )
        except DomainError as exc:
            address, lat, lon = None, None, None
            st.caption(str(exc))  # a hint while the form is incomplete, not a refusal
        st.text_input(
            "Endereço",
            value=address or "",
            disabled=True,
            key=f"{key}addr_{origin}_{login_id}_{contract_id}",
        )
    lat_col, lon_col = st.columns(2)
    lat_col.text_input(
        "Latitude",
        value="" if lat is None else f"{lat:.6f}",
        disabled=True,
        key=f"{key}lat_{origin}_{login_id}_{contract_id}",
        help="Preenchida automaticamente pela origem do endereço; nunca digitada.",
    )
    lon_col.text_input(
        "Longitude",
        value="" if lon is None else f"{lon:.6f}",
        disabled=True,
        key=f"{key}lon_{origin}_{login_id}_{contract_id}",
    )
    choice.address = AddressChoice(origin, manual or "")
    return choice


def _pick_exact(key: str, query: str, found: list[dict]) -> None:
    """An exact key typed (PPPoE login, contract number, CPF/CNPJ, protocol) picks its customer,
    and the login and contract it names, once per text typed: choosing another customer
    afterwards is not undone."""
    state = st.session_state
    exact = [c for c in found if c.get("exact")]
    if len(exact) != 1 or state.get(f"{key}q_exact") == query:
        return
    state[f"{key}q_exact"] = query
    hit = exact[0]
    customer_id, login_id, contract_id = hit["id"], hit.get("login_id"), hit.get("contract_id")
    state[f"{key}customer"] = customer_id
    if login_id is not None:
        state[f"{key}login_{customer_id}"] = login_id
    if contract_id is not None:
        state[f"{key}contract_{customer_id}_{login_id}"] = contract_id


def chosen_ids(key: str, preset_customer_id: int | None = None) -> CustomerChoice:
    """What the block's widgets hold in session state right now (for a save callback, which
    runs before the script and must not rely on values captured by an earlier run)."""
    state = st.session_state
    customer_id = preset_customer_id or state.get(f"{key}customer")
    if customer_id is None:
        manual = (state.get(f"{key}manual_address") or "").strip()
        return CustomerChoice(address=AddressChoice("M", manual) if manual else AddressChoice())
    login_id = state.get(f"{key}login_{customer_id}")
    contract_id = state.get(f"{key}contract_{customer_id}_{login_id}")
    origin = state.get(f"{key}origin") or "C"
    manual = (state.get(f"{key}manual_address") or "") if origin == "M" else ""
    return CustomerChoice(
        customer_id=customer_id,
        login_id=login_id,
        contract_id=contract_id,
        address=AddressChoice(origin, manual),
    )

"""The Clientes page: find a customer (name, CPF/CNPJ, login, contract, phone, protocol or an
IXC id), see their contracts, logins, tickets and discounts with totals per year, and create or
edit a customer, contract or login by hand (for ISPs without IXC) through the same checks as
the IXC import (lib.usecases.ixc_import). Every hand-made change is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lib.auth import Perm, User, require
from lib.documents import digits
from lib.domain import DomainError, NotFound
from lib.store import Cursor, Store, retrying
from lib.store import catalog as cat
from lib.store import customer_admin as ca
from lib.store import ixc as store_ixc
from lib.usecases import audit
from lib.usecases import ixc_import as imp

CONTRACT_STATUSES = {"A": "Ativo", "S": "Suspenso", "C": "Cancelado"}


def search(store: Store, actor: User, text: str, limit: int = 30) -> list[dict]:
    """The discount form's search, plus a number that is an IXC id (customer, contract or
    login) when the store has IXC ids."""
    require(actor, Perm.VIEW_CUSTOMERS)
    text = (text or "").strip()
    if len(text) < 2:
        return []
    with store.read() as cur:
        found = cat.search_customers(cur, text, limit)
        if text.isdigit() and len(text) <= 18:
            known = {r["id"] for r in found}
            extra = [i for i in ca.customers_by_ixc_number(cur, int(text)) if i not in known]
            found = ca.customer_rows(cur, extra) + found
    return found[:limit]


@dataclass
class Profile:
    customer: dict
    contracts: list[dict]
    logins: list[dict]
    tickets: list[dict]
    years: list[dict]


def profile(store: Store, actor: User, customer_id: int) -> Profile:
    require(actor, Perm.VIEW_CUSTOMERS)
    with store.read() as cur:
        customer = cat.get_customer(cur, customer_id)
        if customer is None:
            raise NotFound(f"Cliente #{customer_id} não encontrado.")
        return Profile(
            customer,
            cat.contracts_of(cur, customer_id),
            cat.logins_of(cur, customer_id),
            ca.tickets_of(cur, customer_id),
            ca.totals_per_year(cur, customer_id),
        )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _diff(old: dict | None, new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    if old is None:
        return []
    return [(k, old.get(k), v) for k, v in new.items() if _text(old.get(k)) != _text(v)]


def _audit(cur: Cursor, actor: User, target: str, old: dict | None, new: dict) -> None:
    if old is None:
        audit.record(cur, actor, "cadastro_criado", target)
        return
    for field, before, after in _diff(old, new):
        audit.record(cur, actor, "cadastro_alterado", target, field=field, old=before, new=after)


@retrying
def save_customer(
    store: Store,
    actor: User,
    customer_id: int | None,
    *,
    name: str,
    cpf_cnpj: str,
    phones: str = "",
    email: str = "",
    address: str = "",
    neighbourhood: str = "",
    city: str = "",
    latitude: str = "",
    longitude: str = "",
) -> int:
    """Create (customer_id None) or edit a customer; the checks are the import's."""
    require(actor, Perm.MANAGE_CUSTOMERS)
    phone_cols = {f"fone{i}": p for i, p in enumerate((phones or "").split(","))}
    row = {
        "razao": name or "",
        "cnpj_cpf": cpf_cnpj or "",
        "email": email or "",
        "endereco": address or "",
        "bairro": neighbourhood or "",
        "cidade": city or "",
        "latitude": latitude or "",
        "longitude": longitude or "",
    }
    try:
        values = imp.customer_values(row)
    except DomainError as exc:
        raise DomainError(f"Cliente: {exc}") from exc
    typed = [digits(p) for p in phone_cols.values() if p.strip()]
    bad = [p for p in typed if not 8 <= len(p) <= 13]
    if bad:
        raise DomainError(f"Cliente: telefone {bad[0]} com {len(bad[0])} dígitos (use 8 a 13).")
    values["phones"] = ", ".join(dict.fromkeys(typed)) or None
    with store.transaction() as cur:
        old = cat.get_customer(cur, customer_id) if customer_id is not None else None
        if customer_id is not None and old is None:
            raise NotFound(f"Cliente #{customer_id} não encontrado.")
        if other := ca.other_with_document(cur, values["cpf_cnpj"], customer_id):
            raise DomainError(f"Cliente: este CPF/CNPJ já está cadastrado para {other}.")
        if old is None:
            customer_id = store_ixc.insert(cur, "customer", values)
        else:
            store_ixc.update(cur, "customer", old["id"], values)
        _audit(cur, actor, f"Cliente {values['name']} (#{customer_id})", old, values)
    assert customer_id is not None
    return customer_id


@retrying
def save_contract(
    store: Store,
    actor: User,
    contract_id: int | None,
    *,
    customer_id: int,
    plan: str,
    monthly_fee: str,
    due_day: int | str,
    status: str = "A",
    address: str = "",
) -> int:
    require(actor, Perm.MANAGE_CUSTOMERS)
    plan = " ".join((plan or "").split())
    if not plan:
        raise DomainError("Contrato: informe o plano.")
    if status not in CONTRACT_STATUSES:
        raise DomainError("Contrato: situação inválida.")
    try:
        values: dict[str, Any] = {
            "plan": plan[:200],
            "monthly_fee": imp.fee_value(str(monthly_fee or "")),
            "due_day": imp.due_day_value("" if due_day is None else str(due_day)),
            "status": status,
            "address": (address or "").strip() or None,
        }
    except DomainError as exc:
        raise DomainError(f"Contrato: {exc}") from exc
    with store.transaction() as cur:
        if cat.get_customer(cur, customer_id) is None:
            raise NotFound(f"Cliente #{customer_id} não encontrado.")
        old = cat.get_contract(cur, contract_id) if contract_id is not None else None
        if contract_id is not None and (old is None or old["customer_id"] != customer_id):
            raise NotFound(f"Contrato #{contract_id} não encontrado neste cliente.")
        if old is None:
            contract_id = store_ixc.insert(cur, "contract", {"customer_id": customer_id, **values})
        else:
            store_ixc.update(cur, "contract", old["id"], values)
        _audit(cur, actor, f"Contrato #{contract_id}", old, values)
    assert contract_id is not None
    return contract_id


@retrying
def save_login(
    store: Store,
    actor: User,
    login_id: int | None,
    *,
    customer_id: int,
    username: str,
    contract_id: int | None,
    cto_box: str = "",
    address: str = "",
    neighbourhood: str = "",
) -> int:
    require(actor, Perm.MANAGE_CUSTOMERS)
    username = (username or "").strip()
    if not username:
        raise DomainError("Login: informe o usuário PPPoE.")
    if len(username) > 100 or any(ch.isspace() for ch in username):
        raise DomainError("Login: o usuário PPPoE não tem espaços e tem até 100 caracteres.")
    values: dict[str, Any] = {
        "username": username,
        "contract_id": contract_id,
        "cto_box": (cto_box or "").strip() or None,
        "address": (address or "").strip() or None,
        "neighbourhood": (neighbourhood or "").strip() or None,
    }
    with store.transaction() as cur:
        if cat.get_customer(cur, customer_id) is None:
            raise NotFound(f"Cliente #{customer_id} não encontrado.")
        if contract_id is not None:
            contract = cat.get_contract(cur, contract_id)
            if contract is None or contract["customer_id"] != customer_id:
                raise DomainError(f"Login: o contrato #{contract_id} pertence a outro cliente.")
        old = cat.get_login(cur, login_id) if login_id is not None else None
        if login_id is not None and (old is None or old["customer_id"] != customer_id):
            raise NotFound(f"Login #{login_id} não encontrado neste cliente.")
        other = store_ixc.login_by_username(cur, username)
        if other is not None and other["id"] != login_id:
            raise DomainError(f"Login: o usuário {username} já existe em outro cadastro.")
        if old is None:
            login_id = store_ixc.insert(cur, "login", {"customer_id": customer_id, **values})
        else:
            store_ixc.update(cur, "login", old["id"], values)
        _audit(cur, actor, f"Login {username} (#{login_id})", old, values)
    assert login_id is not None
    return login_id

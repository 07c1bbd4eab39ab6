"""Read use-cases the forms need: customer search, a customer's logins and contracts, the
address an origin gives, and the lists to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from lib.auth import Perm, User, require
from lib.store import Store
from lib.store import catalog as cat
from lib.store import staff as staff_store
from lib.usecases.opening import AddressChoice, resolve_address


@dataclass(frozen=True)
class CustomerBundle:
    customer: dict
    logins: list[dict]
    contracts: list[dict]


def search_customers(store: Store, actor: User, text: str, limit: int = 20) -> list[dict]:
    """By name, CPF/CNPJ, PPPoE login, contract number, phone or ticket protocol; an exact key
    comes first and says so (`exact`, with the login and contract it names)."""
    require(actor, Perm.READ_TICKETS)
    if len((text or "").strip()) < 2:
        return []
    with store.read() as cur:
        return cat.search_customers(cur, text, limit)


def customer_bundle(store: Store, actor: User, customer_id: int) -> CustomerBundle | None:
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        customer = cat.get_customer(cur, customer_id)
        if customer is None:
            return None
        return CustomerBundle(
            customer, cat.logins_of(cur, customer_id), cat.contracts_of(cur, customer_id)
        )


def address_preview(
    store: Store,
    actor: User,
    choice: AddressChoice,
    customer_id: int | None,
    login_id: int | None,
    contract_id: int | None,
) -> tuple[str | None, float | None, float | None]:
    """What the ticket's Endereço, Latitude and Longitude will hold (DomainError if incomplete)."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return resolve_address(cur, choice, customer_id, login_id, contract_id)


def options(store: Store, actor: User, table: str, *, only_active: bool = True) -> list[dict]:
    """An editable list (department, subject, canned_response, process, complementary_status)."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return cat.list_items(cur, table, only_active=only_active)


def staff_options(store: Store, actor: User) -> list[dict]:
    """Active staff to assign a ticket to, with their department."""
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return staff_store.list_staff(cur, only_active=True)

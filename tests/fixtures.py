"""A tiny, known world for tests: three users (one per role) and a few customers.

Built through the store's own functions so tests exercise the real schema. Passwords are
`demo1234`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from argon2 import PasswordHasher

from lib.auth import User, user_from_row
from lib.store import Store
from lib.store import catalog as cat
from lib.store import staff as staff_store

PASSWORD = "demo1234"


@cache
def password_hash() -> str:
    """argon2 with cheap parameters: verification reads them from the hash, so logins in tests
    stay fast while the app's own hashes use argon2-cffi's defaults."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


@dataclass
class World:
    store: Store
    atendente: User
    financeiro: User
    supervisor: User
    maria: int  # customer with one login and one contract (fee 99.90, due day 10)
    maria_login: int
    maria_contract: int
    joao: int  # customer with two logins and two contracts; the second login has no lat/long
    joao_logins: tuple[int, int]
    joao_contracts: tuple[int, int]  # fees 100.00 and 43.20

    def user(self, role: str) -> User:
        return getattr(self, role)


def build_world(store: Store) -> World:
    with store.transaction() as cur:
        users = {}
        for username, name, role, dept in [
            ("atendente", "Ana Atendente", "atendente", "SUPORTE"),
            ("financeiro", "Fábio Financeiro", "financeiro", "FINANCEIRO"),
            ("supervisor", "Sara Supervisora", "supervisor", "FINANCEIRO"),
        ]:
            sid = staff_store.insert_staff(
                cur,
                username=username,
                name=name,
                role=role,
                password_hash=password_hash(),
                department_id=cat.department_id(cur, dept),
                email=f"{username}@demo.provedor.com.br",
            )
            users[role] = user_from_row(staff_store.by_id(cur, sid))
        maria = cat.insert_customer(
            cur,
            name="Maria da Silva",
            cpf_cnpj="52998224725",
            phones="11987654321",
            email="maria@example.com",
            address="Rua das Flores, 10 - Centro",
            neighbourhood="Centro",
            city="Campinas",
            latitude=-22.9,
            longitude=-47.06,
        )
        maria_contract = cat.insert_contract(
            cur,
            customer_id=maria,
            plan="Fibra 500 Mega",
            monthly_fee=Decimal("99.90"),
            due_day=10,
            address="Rua das Flores, 10 - Centro",
            latitude=-22.901,
            longitude=-47.061,
        )
        maria_login = cat.insert_login(
            cur,
            customer_id=maria,
            contract_id=maria_contract,
            username="maria.silva",
            address="Rua das Flores, 10 - Centro",
            neighbourhood="Centro",
            latitude=-22.9011,
            longitude=-47.0611,
            cto_box="CTO-CEN-001",
        )
        joao = cat.insert_customer(
            cur,
            name="João Souza",
            cpf_cnpj="11144477735",
            phones="19988887777, 1933334444",
            address="Av. Brasil, 500 - Taquaral",
            neighbourhood="Taquaral",
            city="Campinas",
        )
        c1 = cat.insert_contract(
            cur, customer_id=joao, plan="Fibra 600 Mega", monthly_fee=Decimal("100.00"), due_day=5
        )
        c2 = cat.insert_contract(
            cur,
            customer_id=joao,
            plan="Fibra 100 Mega",
            monthly_fee=Decimal("43.20"),
            due_day=20,
            address="Rua B, 20 - Taquaral",
        )
        l1 = cat.insert_login(
            cur,
            customer_id=joao,
            contract_id=c1,
            username="joao.souza",
            neighbourhood="Taquaral",
            address="Av. Brasil, 500 - Taquaral",
            latitude=-22.87,
            longitude=-47.05,
            cto_box="CTO-TAQ-003",
        )
        l2 = cat.insert_login(
            cur,
            customer_id=joao,
            contract_id=c2,
            username="joao.loja",
            neighbourhood="Taquaral",
            address="Rua B, 20 - Taquaral",
            cto_box="CTO-TAQ-004",
        )
    return World(
        store=store,
        atendente=users["atendente"],
        financeiro=users["financeiro"],
        supervisor=users["supervisor"],
        maria=maria,
        maria_login=maria_login,
        maria_contract=maria_contract,
        joao=joao,
        joao_logins=(l1, l2),
        joao_contracts=(c1, c2),
    )

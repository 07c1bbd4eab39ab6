"""Issue 14, item 3: the Clientes page's use-cases: search (also by IXC ids), a customer's
record with totals per year, and hand-made records checked like the IXC import, audited."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lib.domain import DomainError, PermissionDenied
from lib.usecases import customer_admin as ca
from lib.usecases import ixc_import as imp
from tests.ticket_factory import discount
from tests.unit.test_billing import approved

DATA = Path(__file__).resolve().parents[1] / "data" / "ixc"


def test_create_and_edit_by_hand_with_the_import_checks(world):
    w, sup = world, world.supervisor
    with pytest.raises(DomainError, match="CPF 198.344.417-04 inválido"):
        ca.save_customer(w.store, sup, None, name="Ana", cpf_cnpj="198.344.417-04")
    with pytest.raises(DomainError, match="nome em branco"):
        ca.save_customer(w.store, sup, None, name="  ", cpf_cnpj="198.344.417-03")
    cid = ca.save_customer(
        w.store,
        sup,
        None,
        name="=Ana **Lima**",
        cpf_cnpj="198.344.417-03",
        phones="(43) 99999-0000",
    )
    with pytest.raises(DomainError, match="já está cadastrado para =Ana"):
        ca.save_customer(w.store, sup, None, name="Outra", cpf_cnpj="19834441703")
    with pytest.raises(DomainError, match="mensalidade negativa"):
        ca.save_contract(w.store, sup, None, customer_id=cid, plan="X", monthly_fee="-1", due_day=5)
    with pytest.raises(DomainError, match="1e1"):
        ca.save_contract(
            w.store, sup, None, customer_id=cid, plan="X", monthly_fee="1e1", due_day=5
        )
    with pytest.raises(DomainError, match="fora de 1 a 28"):
        ca.save_contract(
            w.store, sup, None, customer_id=cid, plan="X", monthly_fee="99,90", due_day=0
        )
    kid = ca.save_contract(
        w.store, sup, None, customer_id=cid, plan="FIBRA 300", monthly_fee="1.299,90", due_day=28
    )
    with pytest.raises(DomainError, match="pertence a outro cliente"):
        ca.save_login(
            w.store, sup, None, customer_id=cid, username="ana", contract_id=w.maria_contract
        )
    with pytest.raises(DomainError, match="já existe"):
        ca.save_login(w.store, sup, None, customer_id=cid, username="MARIA.SILVA", contract_id=kid)
    lid = ca.save_login(w.store, sup, None, customer_id=cid, username="ana.lima", contract_id=kid)
    ca.save_contract(
        w.store, sup, kid, customer_id=cid, plan="FIBRA 500", monthly_fee="129,90", due_day=10
    )
    p = ca.profile(w.store, w.atendente, cid)
    assert p.customer["phones"] == "43999990000"
    assert [(k["plan"], k["monthly_fee"], k["due_day"]) for k in p.contracts] == [
        ("FIBRA 500", Decimal("129.90"), 10)
    ]
    assert [lg["id"] for lg in p.logins] == [lid]
    with w.store.read() as cur:
        audit = cur.execute(
            "SELECT action, field, old_value, new_value FROM audit_log ORDER BY id"
        ).fetchall()
    assert ("cadastro_criado", None, None, None) in audit
    assert ("cadastro_alterado", "monthly_fee", "1299.90", "129.90") in audit


def test_only_supervisors_edit_records_and_everyone_reads(world):
    with pytest.raises(PermissionDenied):
        ca.save_customer(world.store, world.atendente, None, name="X", cpf_cnpj="198.344.417-03")
    with pytest.raises(PermissionDenied):
        ca.save_contract(
            world.store,
            world.financeiro,
            world.maria_contract,
            customer_id=world.maria,
            plan="X",
            monthly_fee="1",
            due_day=1,
        )
    assert ca.search(world.store, world.atendente, "maria")


def test_search_finds_ixc_numbers_and_the_record_sums_discounts_per_year(world):
    w = world
    sources = [
        imp.load_file(k, (DATA / n).read_bytes(), n)
        for k, n in zip(imp.KINDS, ("clientes.csv", "contratos.csv", "logins.csv"), strict=True)
    ]
    imp.run_import(w.store, None, sources)
    for number in ("7003", "503", "9003"):  # contract, customer and login ids in IXC
        assert [c["name"] for c in ca.search(w.store, w.atendente, number)] == [
            "Padaria Pão Quente Ltda"
        ]
    assert ca.search(w.store, w.atendente, "helena.duarte")[0]["name"] == "Helena Duarte Mendes"
    a = approved(w, "m1")
    discount(w, "m2", days_ago=400)
    years = ca.profile(w.store, w.atendente, w.maria).years
    assert [(y["year"], y["tickets"], y["discounts"]) for y in years] == [
        (2026, 1, 1),
        (2025, 1, 1),
    ]
    with w.store.read() as cur:
        amount = cur.execute(
            "SELECT approved_amount FROM discount_request WHERE ticket_id = ?", [a]
        ).fetchone()[0]
    assert years[0]["approved"] == amount and years[1]["approved"] == 0


def test_the_discount_form_finds_a_contract_by_its_ixc_number(world):
    from lib.usecases import lookups

    w = world
    sources = [
        imp.load_file(k, (DATA / n).read_bytes(), n)
        for k, n in zip(imp.KINDS, ("clientes.csv", "contratos.csv", "logins.csv"), strict=True)
    ]
    imp.run_import(w.store, None, sources)
    hits = lookups.search_customers(w.store, w.atendente, "7002")
    assert hits[0]["name"] == "Otávio Rangel" and hits[0]["exact"]
    with w.store.read() as cur:
        ours = cur.execute("SELECT id FROM contract WHERE ixc_id = 7002").fetchone()[0]
    assert hits[0]["contract_id"] == ours  # the form pre-selects that contract

"""The attendant's customer search: every kind of key the issue names, accents ignored."""

from __future__ import annotations

import pytest

from lib.store import catalog
from lib.store.bench_data import add_customers
from lib.usecases import lookups


def names(world, text: str) -> list[str]:
    return [c["name"] for c in lookups.search_customers(world.store, world.atendente, text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("maria", ["Maria da Silva"]),
        ("JOAO", ["João Souza"]),  # case and accent do not matter
        ("joão sou", ["João Souza"]),
        ("529.982", ["Maria da Silva"]),  # CPF prefix, typed with punctuation
        ("joao.loja", ["João Souza"]),  # PPPoE login
        ("98765", ["Maria da Silva"]),  # phone
        ("33334444", ["João Souza"]),  # the second phone
        ("x", []),  # too short to search
        ("zzzz", []),
    ],
)
def test_search_by_each_key(world, text, expected):
    assert names(world, text) == expected


def test_search_by_contract_number(world):
    assert names(world, str(world.joao_contracts[1])) == ["João Souza"]


def test_rows_loaded_in_bulk_are_found_and_then_filled(world):
    with world.store.transaction() as cur:
        add_customers(cur, 200)
    assert len(names(world, "ana silva")) >= 1  # found before the column is filled
    with world.store.transaction() as cur:
        assert catalog.fill_customer_search(cur) == 200
        assert catalog.fill_customer_search(cur) == 0
    assert names(world, "ana silva") == names(world, "ANA SILVA")

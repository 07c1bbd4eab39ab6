"""Synthetic customers in bulk, for benchmarks: one INSERT … SELECT FROM generate_series() per
table, on either engine.

Not demo data (lib.demo makes the realistic store); these rows only need the shape and the
spread of real ones so that search timings mean something: 40 first names × 40 surnames × 40
surnames, 11-digit CPFs, mobile phones, one PPPoE login and one contract per customer (every
tenth customer has a second of each).
"""

from __future__ import annotations

from lib.store import Cursor, scalar

FIRST = (
    "Ana Maria José João Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel "
    "Rafael Daniel Marcelo Bruno Eduardo Felipe Juliana Adriana Márcia Fernanda Patrícia Aline "
    "Sandra Camila Amanda Bruna Jéssica Letícia Júlia Luciana Vanessa Mariana Gabriela Vera "
    "Larissa Beatriz"
).split()
LAST = (
    "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro "
    "Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento "
    "Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos Gonçalves Santana "
    "Teixeira Moura Araújo Batista Pinto Correia"
).split()


def _array(words: list[str]) -> str:
    """An array literal both engines index from 1: `(ARRAY['a', 'b'])[i]`."""
    return "(ARRAY[" + ", ".join("'" + w + "'" for w in words) + "])"


def _div(expr: str, n: int) -> str:
    """Integer division of a non-negative `expr` (`/` divides integers exactly on PostgreSQL
    but in floating point on DuckDB; `//` is DuckDB's alone)."""
    return f"CAST(floor(({expr}) / {float(n)}) AS BIGINT)"


def add_customers(cur: Cursor, n: int) -> int:
    """Append `n` customers with their logins and contracts; returns the customer count."""
    first, last = _array(FIRST), _array(LAST)
    base = int(scalar(cur, "SELECT coalesce(max(id), 0) FROM customer"))
    # generate_series (inclusive) rather than DuckDB's range(): both engines have it
    cur.execute(
        f"""INSERT INTO customer (name, cpf_cnpj, phones, email, address, neighbourhood,
                                  city, latitude, longitude)
            SELECT {first}[1 + i % 40] || ' ' || {last}[1 + {_div("i", 40)} % 40] || ' '
                       || {last}[1 + {_div("i", 1600)} % 40],
                   lpad(CAST((i * 7919 + 12345) % 100000000000 AS VARCHAR), 11, '0'),
                   '19' || '9' || lpad(CAST((i * 104729) % 100000000 AS VARCHAR), 8, '0'),
                   'cliente' || i || '@example.com',
                   'Rua ' || {last}[1 + {_div("i", 7)} % 40] || ', ' || (1 + i % 900),
                   'Bairro ' || (1 + i % 60), 'Campinas',
                   -22.9 + (i % 1000) / 10000.0, -47.06 + (i % 777) / 10000.0
            FROM generate_series(CAST(0 AS BIGINT), CAST({n - 1} AS BIGINT)) t(i)"""
    )
    cur.execute(
        f"""INSERT INTO contract (customer_id, plan, monthly_fee, due_day, address, started_on)
            SELECT c.id, 'Fibra ' || (100 * (1 + c.id % 6)) || ' Mega',
                   CAST(79.90 + (c.id % 6) * 20 AS DECIMAL(12, 2)), 1 + c.id % 28, c.address,
                   DATE '2020-01-01' + CAST(c.id % 2000 AS INTEGER)
            FROM customer c, generate_series(0, 1) k(j)
            WHERE c.id > {base} AND (j = 0 OR c.id % 10 = 0)"""
    )
    cur.execute(
        f"""INSERT INTO login (customer_id, contract_id, username, address, neighbourhood,
                               latitude, longitude, cto_box)
            SELECT ct.customer_id, ct.id,
                   lower(strip_accents(split_part(c.name, ' ', 1) || '.'
                         || split_part(c.name, ' ', 2))) || ct.id,
                   ct.address, c.neighbourhood, c.latitude, c.longitude,
                   'CTO-' || lpad(CAST(ct.id % 500 AS VARCHAR), 3, '0')
            FROM contract ct JOIN customer c ON c.id = ct.customer_id
            WHERE c.id > {base}"""
    )
    return int(scalar(cur, "SELECT count(*) FROM customer"))

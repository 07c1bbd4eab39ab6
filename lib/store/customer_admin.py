"""SQL for the Clientes page: customers by IXC id, a customer's tickets with their discounts,
totals per year, and the checks of hand-made records."""

from __future__ import annotations

from lib.store import Cursor, rows, scalar


def customers_by_ixc_number(cur: Cursor, number: int) -> list[int]:
    """Customers whose IXC id, or one of whose contracts' or logins' IXC id, is `number`."""
    return [
        r[0]
        for r in cur.execute(
            """SELECT id FROM customer WHERE ixc_id = $n
               UNION SELECT customer_id FROM contract WHERE ixc_id = $n
               UNION SELECT customer_id FROM login WHERE ixc_id = $n""",
            {"n": number},
        ).fetchall()
    ]


def customer_rows(cur: Cursor, ids: list[int]) -> list[dict]:
    if not ids:
        return []
    return rows(
        cur,
        "SELECT id, name, cpf_cnpj, phones, neighbourhood, city FROM customer "
        "WHERE id IN (SELECT unnest(?::BIGINT[])) ORDER BY name",
        [ids],
    )


def tickets_of(cur: Cursor, customer_id: int, limit: int = 200) -> list[dict]:
    return rows(
        cur,
        """SELECT t.id, t.protocol, s.name AS subject, t.status, t.opened_at,
                  dr.decision, dr.computed_amount, dr.approved_amount, dr.invoice_number,
                  dr.invoice_due_date, ct.ixc_id AS contract_ixc_id, t.contract_id
           FROM ticket t
           JOIN subject s ON s.id = t.subject_id
           LEFT JOIN discount_request dr ON dr.ticket_id = t.id
           LEFT JOIN contract ct ON ct.id = t.contract_id
           WHERE t.customer_id = ?
           ORDER BY t.opened_at DESC, t.id DESC LIMIT ?""",
        [customer_id, limit],
    )


def totals_per_year(cur: Cursor, customer_id: int) -> list[dict]:
    """Per year of opening: tickets, discount requests, and the computed, approved (approved or
    applied) and applied amounts."""
    return rows(
        cur,
        """SELECT CAST(extract(year FROM t.opened_at) AS INTEGER) AS year, count(*) AS tickets,
                  count(dr.ticket_id) AS discounts,
                  coalesce(sum(dr.computed_amount), 0) AS computed,
                  coalesce(sum(dr.approved_amount)
                           FILTER (WHERE dr.decision IN ('aprovado', 'aplicado')), 0) AS approved,
                  coalesce(sum(dr.approved_amount) FILTER (WHERE dr.decision = 'aplicado'), 0)
                      AS applied
           FROM ticket t LEFT JOIN discount_request dr ON dr.ticket_id = t.id
           WHERE t.customer_id = ?
           GROUP BY 1 ORDER BY year DESC""",
        [customer_id],
    )


def other_with_document(cur: Cursor, cpf_cnpj: str, exclude_id: int | None) -> str | None:
    return scalar(
        cur,
        "SELECT name FROM customer WHERE cpf_cnpj = ? AND id IS DISTINCT FROM ? LIMIT 1",
        [cpf_cnpj, exclude_id],
    )

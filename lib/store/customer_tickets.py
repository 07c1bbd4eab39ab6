"""A customer's tickets, newest first (the procedure's "Cliente > Atendimentos")."""

from __future__ import annotations

from lib.store import Cursor, rows


def recent_for_customer(cur: Cursor, customer_id: int, limit: int = 10) -> list[dict]:
    return rows(
        cur,
        """SELECT t.id, t.protocol, s.name AS subject, d.name AS department, t.status,
                  t.priority, t.opened_at, r.name AS responsible
           FROM ticket t
           JOIN subject s ON s.id = t.subject_id
           JOIN department d ON d.id = t.department_id
           LEFT JOIN staff r ON r.id = t.responsible_id
           WHERE t.customer_id = ?
           ORDER BY t.opened_at DESC, t.id DESC
           LIMIT ?""",
        [customer_id, limit],
    )

"""Staff (users), login attempts and departments."""

from __future__ import annotations

from datetime import datetime

from lib.store import ConflictError, ConstraintError, Cursor, one, rows, scalar

_STAFF_COLS = "id, username, name, email, role, department_id, password_hash, active"


def by_username(cur: Cursor, username: str) -> dict | None:
    return one(cur, f"SELECT {_STAFF_COLS} FROM staff WHERE username = ?", [username])


def by_id(cur: Cursor, staff_id: int) -> dict | None:
    return one(cur, f"SELECT {_STAFF_COLS} FROM staff WHERE id = ?", [staff_id])


def by_email(cur: Cursor, email: str) -> dict | None:
    return one(
        cur, f"SELECT {_STAFF_COLS} FROM staff WHERE lower(email) = lower(?)", [email.strip()]
    )


def list_staff(cur: Cursor, *, only_active: bool = False) -> list[dict]:
    where = "WHERE s.active" if only_active else ""
    return rows(
        cur,
        f"""SELECT s.id, s.username, s.name, s.email, s.role, s.department_id, s.active,
                   d.name AS department, s.password_hash IS NOT NULL AS can_login
            FROM staff s LEFT JOIN department d ON d.id = s.department_id {where}
            ORDER BY s.name""",
    )


def count_users(cur: Cursor) -> int:
    return int(scalar(cur, "SELECT count(*) FROM staff WHERE password_hash IS NOT NULL"))


def insert_staff(
    cur: Cursor,
    *,
    username: str,
    name: str,
    role: str,
    password_hash: str | None,
    department_id: int | None = None,
    email: str | None = None,
) -> int:
    return int(
        scalar(
            cur,
            """INSERT INTO staff (username, name, email, role, department_id, password_hash)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            [username, name, email, role, department_id, password_hash],
        )
    )


def update_staff(cur: Cursor, staff_id: int, **fields: object) -> bool:
    allowed = {"name", "email", "role", "department_id", "password_hash", "active"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"campos inválidos: {sorted(set(fields) - allowed)}")
    sets = ", ".join(f"{k} = ?" for k in fields)
    changed = cur.execute(
        f"UPDATE staff SET {sets} WHERE id = ? RETURNING id", [*fields.values(), staff_id]
    ).fetchall()
    return bool(changed)


# --- login attempts and the lock ----------------------------------------------------------------

# What `detail` holds for an attempt: the first two count as failures (an attempt being checked
# counts until it is known, so parallel attempts cannot slip past the lock).
CHECKING = "verificando"
WRONG = "senha ou usuário"
LOCKED = "bloqueado"
ADDRESS_LOCKED = "endereço bloqueado"
BUSY = "tentativa simultânea"
COUNTED = (CHECKING, WRONG)


def ensure_guard(cur: Cursor, name_key: str) -> None:
    """Create the name's guard row if it is missing. Run it outside a transaction (autocommit):
    when two attempts create the same row at once, one of them fails, and that is fine."""
    try:
        cur.execute(
            "INSERT INTO login_guard (name_key) VALUES (?) ON CONFLICT DO NOTHING", [name_key]
        )
    except (*ConstraintError, *ConflictError):
        pass  # created by the concurrent attempt


def touch_guard(cur: Cursor, name_key: str) -> datetime | None:
    """Update the name's guard row (see ensure_guard) and return when its failures were last
    cleared.

    Two transactions that update one name's row conflict, and DuckDB refuses the later writer:
    the attempts for one name are serialised by the store itself."""
    return scalar(
        cur,
        "UPDATE login_guard SET attempts = attempts + 1 WHERE name_key = ? RETURNING cleared_at",
        [name_key],
    )


def guard_cleared(cur: Cursor, name_key: str) -> datetime | None:
    """When the name's failures were last cleared (without touching its row)."""
    return scalar(cur, "SELECT cleared_at FROM login_guard WHERE name_key = ?", [name_key])


def clear_guard(cur: Cursor, name_key: str, at: datetime) -> None:
    """Failures before `at` no longer count (a successful login, an unlock, a reset)."""
    cur.execute(
        """INSERT INTO login_guard (name_key, cleared_at) VALUES (?, ?)
           ON CONFLICT (name_key) DO UPDATE SET cleared_at = excluded.cleared_at""",
        [name_key, at],
    )


def record_attempt(
    cur: Cursor,
    *,
    name_key: str,
    staff_id: int | None,
    username: str,
    at: datetime,
    detail: str | None,
    client_address: str | None,
    success: bool = False,
) -> int:
    """Record an attempt; `username` is stored only for a name that exists (else '')."""
    return int(
        scalar(
            cur,
            """INSERT INTO login_attempt
                 (username, attempted_at, success, detail, staff_id, name_key, client_address)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [username if staff_id else "", at, success, detail, staff_id, name_key, client_address],
        )
    )


def finish_attempt(cur: Cursor, attempt_id: int, success: bool, detail: str | None) -> None:
    cur.execute(
        "UPDATE login_attempt SET success = ?, detail = ? WHERE id = ?",
        [success, detail, attempt_id],
    )


def name_failures(cur: Cursor, name_key: str, since: datetime) -> list[tuple[datetime, str]]:
    """Counted failures for a name after `since`, oldest first: (when, client address)."""
    found = cur.execute(
        f"""SELECT attempted_at, coalesce(client_address, '') FROM login_attempt
            WHERE name_key = ? AND NOT success AND detail IN {COUNTED} AND attempted_at > ?
            ORDER BY attempted_at""",
        [name_key, since],
    ).fetchall()
    return [(r[0], r[1]) for r in found]


def address_failures(cur: Cursor, client_address: str, since: datetime) -> list[datetime]:
    """Counted failures from one client address (any name) after `since`, oldest first."""
    found = cur.execute(
        f"""SELECT attempted_at FROM login_attempt
            WHERE coalesce(client_address, '') = ? AND NOT success AND detail IN {COUNTED}
              AND attempted_at > ?
            ORDER BY attempted_at""",
        [client_address, since],
    ).fetchall()
    return [r[0] for r in found]


def secret(cur: Cursor, name: str) -> str | None:
    return scalar(cur, "SELECT value FROM server_secret WHERE name = ?", [name])


def add_secret(cur: Cursor, name: str, value: str) -> None:
    cur.execute(
        "INSERT INTO server_secret (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [name, value],
    )


def attempts(
    cur: Cursor, *, staff_id: int | None = None, since: datetime | None = None, limit: int = 200
) -> list[dict]:
    """The latest attempts, newest first. `username` is the staff user's (NULL for a name that
    does not exist: what was typed is never kept)."""
    where: list[str] = ["TRUE"]
    params: list[object] = []
    if staff_id is not None:
        where.append("a.staff_id = ?")
        params.append(staff_id)
    if since is not None:
        where.append("a.attempted_at >= ?")
        params.append(since)
    return rows(
        cur,
        f"""SELECT a.attempted_at, a.success, a.detail, a.client_address, a.staff_id,
                   s.username, s.name
            FROM login_attempt a LEFT JOIN staff s ON s.id = a.staff_id
            WHERE {" AND ".join(where)}
            ORDER BY a.attempted_at DESC, a.id DESC LIMIT ?""",
        [*params, limit],
    )

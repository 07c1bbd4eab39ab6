"""Staff (users), login attempts and departments."""

from __future__ import annotations

from datetime import datetime

from lib.store import Cursor, one, rows, scalar

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


def record_attempt(
    cur: Cursor, username: str, at: datetime, success: bool, detail: str | None
) -> None:
    cur.execute(
        "INSERT INTO login_attempt (username, attempted_at, success, detail) VALUES (?, ?, ?, ?)",
        [username, at, success, detail],
    )


def failures_since(cur: Cursor, username: str, since: datetime) -> list[datetime]:
    """Failed attempts (not counting those refused while locked) after `since` and after the
    last successful login, oldest first."""
    found = cur.execute(
        """SELECT attempted_at FROM login_attempt
           WHERE username = ? AND NOT success AND coalesce(detail, '') <> 'bloqueado'
             AND attempted_at > ?
             AND attempted_at > coalesce((SELECT max(attempted_at) FROM login_attempt
                                          WHERE username = ? AND success), '-infinity'::TIMESTAMPTZ)
           ORDER BY attempted_at""",
        [username, since, username],
    ).fetchall()
    return [r[0] for r in found]


def attempts(cur: Cursor, username: str | None = None, limit: int = 200) -> list[dict]:
    where = "WHERE username = ?" if username else ""
    params: list[object] = [username] if username else []
    return rows(
        cur,
        f"SELECT username, attempted_at, success, detail FROM login_attempt {where} "
        "ORDER BY attempted_at DESC LIMIT ?",
        [*params, limit],
    )

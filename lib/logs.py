"""The operator's log: one line per event, `key=value` after the message, on standard error (the
terminal under `make run`, the journal under systemd: `journalctl -u desconto`).

Every refusal a user sees and every unexpected error carries an error id (`R-…` for a refusal,
`E-…` for an error), the same id the screen shows, so a user's "deu o erro E-7F3A2C1B" finds its
line: `journalctl -u desconto | grep E-7F3A2C1B`.
"""

from __future__ import annotations

import logging
import secrets
import sys
import traceback
from pathlib import Path

LOGGER = "desconto"
_FORMAT = "%(asctime)s %(levelname)s desconto: %(message)s"
_ROOT = Path(__file__).resolve().parent.parent


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test harness may swap it and close the
    one that was there, before the shutdown line is written at exit)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter(_FORMAT))

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def logger() -> logging.Logger:
    """The app's logger, with its handler on standard error (installed once per process)."""
    log = logging.getLogger(LOGGER)
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        log.addHandler(_Stderr())
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


def new_error_id(kind: str = "E") -> str:
    """`E-` and 8 hex digits (unexpected errors), or `R-…` for refusals."""
    return f"{kind}-{secrets.token_hex(4).upper()}"


def _value(value: object) -> str:
    text = " ".join(str(value).split())  # one line, whatever the message held
    if text == "" or any(ch in text for ch in ' "='):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def line(message: str, **fields: object) -> str:
    """`message key=value key="a value"` on one line (None values left out)."""
    parts = [" ".join(message.split())]
    parts += [f"{k}={_value(v)}" for k, v in fields.items() if v is not None]
    return " ".join(parts)


def refusal(
    error_id: str, message: str, *, user: str | None, page: str | None, ticket=None
) -> None:
    """A use-case refused what a user asked (a DomainError shown to them)."""
    logger().info(
        line("recusa", id=error_id, user=user or "-", page=page or "-", ticket=ticket, msg=message)
    )


def _where(exc: BaseException) -> str | None:
    """The innermost frame in this project's code: file:line in function."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            rel = Path(frame.filename).resolve().relative_to(_ROOT)
        except ValueError:
            continue
        if rel.parts and rel.parts[0] != ".venv":
            found = f"{rel}:{frame.lineno} in {frame.name}"
    return found


def unexpected(
    error_id: str, exc: BaseException, *, user: str | None, page: str | None, ticket=None
) -> None:
    """An error nobody planned for; the user saw only the id."""
    logger().error(
        line(
            "erro inesperado",
            id=error_id,
            user=user or "-",
            page=page or "-",
            ticket=ticket,
            error=f"{type(exc).__name__}: {exc}",
            at=_where(exc),
        )
    )
    # The stack follows on a line of its own with the same id (frames joined by " | "), so
    # `grep E-…` finds the event and where it came from, and the event line stays one line.
    frames = [
        f"{Path(f.filename).name}:{f.lineno} in {f.name}"
        for f in traceback.extract_tb(exc.__traceback__)
    ]
    logger().error(line("rastro", id=error_id, trace=" | ".join(frames) or "-"))


def event(message: str, *, level: int = logging.INFO, **fields: object) -> None:
    """Anything else the operator should see (start-up, backups, shutdown)."""
    logger().log(level, line(message, **fields))

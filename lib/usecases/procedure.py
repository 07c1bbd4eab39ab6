"""The procedure's text on a discount ticket (the six fields the attendant used to type) and
the one way the signal's return is recorded on a request: its period and value decided, the
ticket's "Hora do retorno" and "Período" lines completed, and the movement that says so. Used
by the attendant's "Retorno do sinal" and by an incident's close."""

from __future__ import annotations

from datetime import datetime

from lib import fmt
from lib.auth import User
from lib.discount import DiscountCalculation
from lib.domain import Action
from lib.store import Cursor
from lib.usecases.transitions import decide, move

RETURN_LINE = "Hora do retorno do sinal da internet: "
PERIOD_LINE = "Período para dar desconto: "


def return_lines(
    start: datetime | None, end: datetime | None, calc: DiscountCalculation | None
) -> tuple[str, str]:
    """The procedure's "Hora do retorno" and "Período" lines, before or after the return."""
    if end is None:
        return (
            RETURN_LINE + "sinal ainda não retornou",
            PERIOD_LINE + "a calcular quando o sinal retornar",
        )
    period = f"{fmt.day_time(start)} a {fmt.day_time(end)}" + (
        f" ({calc.duration_text}; {fmt.brl(calc.amount)})" if calc else ""
    )
    return RETURN_LINE + fmt.day_time(end), PERIOD_LINE + period


def completed_procedure(message: str, lines: tuple[str, str]) -> tuple[str, list[str]]:
    """The ticket's text with its "Hora do retorno" and "Período" lines replaced by `lines`;
    also the lines it held before (for the history). A text without them is left as it is."""
    out, before = [], []
    for line in (message or "").split("\n"):
        for new in lines:
            prefix = new.split(": ", 1)[0] + ": "
            if line.startswith(prefix) and line != new:
                before.append(line)
                line = new
                break
        out.append(line)
    return "\n".join(out), before


def record_return(
    cur: Cursor,
    actor: User,
    now: datetime,
    ticket: dict,
    discount: dict,
    start: datetime,
    end: datetime,
    calc: DiscountCalculation,
    note: str,
) -> None:
    """Decide the request's period and value, complete the ticket's procedure text (the
    movement keeps what it said before, so the history stays true) and record the movement."""
    decided = decide(
        cur,
        ticket,
        discount,
        Action.RETORNO_SINAL,
        {
            "signal_returned_at": end,
            "minutes": calc.minutes,
            "counted_units": calc.counted_units,
            "computed_amount": calc.amount,
        },
    )
    message, before = completed_procedure(ticket["message"], return_lines(start, end, calc))
    if before:
        note += "\nTexto do atendimento completado; antes dizia: " + " / ".join(before)
    move(
        cur,
        actor,
        now,
        ticket,
        Action.RETORNO_SINAL,
        note,
        changes={"message": message} if before else None,
        **decided,
    )

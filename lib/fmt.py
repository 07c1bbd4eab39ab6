"""pt-BR formatting for the UI: money (babel), dates, times and durations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from lib.domain import TZ, DomainError

LOCALE = "pt_BR"


def brl(value: Decimal | int | float | None) -> str:
    """`R$ 1.234,56` (babel puts a non-breaking space after the symbol); empty for None."""
    if value is None:
        return ""
    return format_currency(Decimal(str(value)), "BRL", locale=LOCALE)


def document(digits: str | None) -> str:
    """A CPF (`529.982.247-25`) or CNPJ (`11.222.333/0001-81`) from its digits."""
    if not digits:
        return ""
    if len(digits) == 11:
        return f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"
    if len(digits) == 14:
        return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
    return digits


def parse_brl(text: str) -> Decimal | None:
    """`1.234,56`, `R$ 12,50` or `12.50` to Decimal; empty to None; DomainError otherwise."""
    raw = (text or "").replace("R$", "").replace("\xa0", "").replace(" ", "")
    if not raw:
        return None
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except ArithmeticError as exc:
        raise DomainError(f"Valor inválido: {text!r}. Use o formato 1.234,56.") from exc
    if not value.is_finite():
        raise DomainError(f"Valor inválido: {text!r}. Use o formato 1.234,56.")
    return value


def number(value: Decimal | int | float, max_decimals: int = 2) -> str:
    pattern = "#,##0" + ("." + "#" * max_decimals if max_decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def day(value: date | datetime | None) -> str:
    """dd/mm/aaaa; datetimes are shown in America/Sao_Paulo."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TZ).date() if value.tzinfo else value.date()
    return value.strftime("%d/%m/%Y")


def day_time(value: datetime | None) -> str:
    """dd/mm/aaaa hh:mm in America/Sao_Paulo."""
    if value is None:
        return ""
    if value.tzinfo:
        value = value.astimezone(TZ)
    return value.strftime("%d/%m/%Y %H:%M")


def month(value: date) -> str:
    """`mar./2026`."""
    return format_date(value, "MMM/yyyy", locale=LOCALE)


def duration(minutes: int | None) -> str:
    """`5 h 40 min`, `25 min`, `2 d 3 h`; babel has no compact pt-BR duration, so by hand."""
    if minutes is None:
        return ""
    if minutes < 0:
        return "-" + duration(-minutes)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)

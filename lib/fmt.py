"""pt-BR formatting for the UI: money (babel), dates, times and durations."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from lib.domain import TZ, DomainError

LOCALE = "pt_BR"


def brl(value: Decimal | int | float | None) -> str:
    """`R$ 1.234,56` (babel puts a non-breaking space after the symbol); empty for None."""
    if value is None:
        return ""
    return _brl(str(value))


@lru_cache(maxsize=8192)
def _brl(text: str) -> str:
    """babel's format_currency takes ~80 µs; the same amounts come back on every rerun and in
    the demo's generation (13,578 calls of its first start; issue 17)."""
    return format_currency(Decimal(text), "BRL", locale=LOCALE)


def document(digits: str | None) -> str:
    """A CPF (`529.982.247-25`) or CNPJ (`11.222.333/0001-81`) from its digits."""
    if not digits:
        return ""
    if len(digits) == 11:
        return f"{digits[:3]}.{digits[3:6]}.{digits[6:9]}-{digits[9:]}"
    if len(digits) == 14:
        return f"{digits[:2]}.{digits[2:5]}.{digits[5:8]}/{digits[8:12]}-{digits[12:]}"
    return digits


# The largest amount a DECIMAL(12, 2) column holds: 10 integer digits and 2 decimals.
MAX_MONEY = Decimal("9999999999.99")
_MONEY_HINT = "Use o formato 1.234,56."
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")  # 1.234 or 12.345.678
_PLAIN = re.compile(r"[0-9]+")
_PREFIX = re.compile(
    r"(?P<sign1>[-\u2212]?)\s*(?:R\$)?\s*(?P<sign2>[-\u2212]?)\s*(?P<body>.*)", re.I | re.S
)
_SPACED = re.compile(r"[1-9][0-9]{0,2}(?:\s[0-9]{3})+(?:,[0-9]+)?")
_DOT_DECIMAL = re.compile(r"([0-9]+)\.([0-9]{1,2})")  # 12.50 or 1.5, typed on a keypad


def parse_brl(value: str | Decimal | int | None) -> Decimal | None:
    """The one money parser: what a person typed in pt-BR, exact to the cent.

    Empty (or None) is None. Accepted: `1234`, `1.234` and `1.234.567` (a dot followed by
    groups of three digits separates thousands, as pt-BR writes them), `1.234,56`, `1234,5`,
    `,5`, with or without `R$` and spaces (also the non-breaking space babel writes), and one
    dot followed by one or two digits (`12.50`, from a numeric keypad) as the decimal point,
    since no thousands grouping has fewer than three digits. Refused with a pt-BR DomainError:
    anything else (`1e1`, `1,2,3`, `1.2345`, `1,234.56`, `0.500`), a negative value, more than
    two decimals, and more than MAX_MONEY (what the store's DECIMAL(12, 2) holds). A Decimal
    or int is checked by the same rules.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, Decimal, int)):
        raise DomainError(f"Valor inválido. {_MONEY_HINT}")
    if isinstance(value, (Decimal, int)):
        amount = Decimal(value)
        if not amount.is_finite():
            raise DomainError(f"Valor inválido. {_MONEY_HINT}")
        return _checked(amount)
    shown = value.strip()
    if not shown:
        return None
    if len(shown) > 40:
        raise DomainError(f"Valor inválido: texto longo demais. {_MONEY_HINT}")
    m = _PREFIX.fullmatch(shown)
    assert m is not None  # the body group takes whatever the prefix leaves
    if m.group("sign1") or m.group("sign2"):
        raise DomainError("O valor não pode ser negativo.")
    raw = m.group("body")
    if re.search(r"\s", raw):  # 1 234,56: spaces (NBSP too) only as thousands separators
        if not _SPACED.fullmatch(raw):
            raise DomainError(f"Valor inválido: {shown}. {_MONEY_HINT}")
        raw = re.sub(r"\s", "", raw)
    whole, comma, cents = raw.partition(",")
    if comma:
        if "," in cents or not re.fullmatch(r"[0-9]+", cents or "x"):
            raise DomainError(f"Valor inválido: {shown}. {_MONEY_HINT}")
        if len(cents) > 2:
            raise DomainError(f"Valor inválido: {shown} tem mais de duas casas decimais.")
        if whole and not (_PLAIN.fullmatch(whole) or _GROUPED.fullmatch(whole)):
            raise DomainError(f"Valor inválido: {shown}. {_MONEY_HINT}")
        text = f"{whole.replace('.', '') or '0'}.{cents}"
    elif _PLAIN.fullmatch(raw) or _GROUPED.fullmatch(raw):
        text = raw.replace(".", "")
    elif dot := _DOT_DECIMAL.fullmatch(raw):
        text = f"{dot.group(1)}.{dot.group(2)}"
    else:
        raise DomainError(f"Valor inválido: {shown}. {_MONEY_HINT}")
    return _checked(Decimal(text))


def _checked(amount: Decimal) -> Decimal:
    if amount < 0:
        raise DomainError("O valor não pode ser negativo.")
    if amount > MAX_MONEY:
        raise DomainError(f"Valor alto demais: o máximo é {brl(MAX_MONEY)}.")
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    if amount != cents:
        raise DomainError("Use no máximo duas casas decimais.")
    return cents


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

"""The discount engine: pro-rata compensation for an interruption, exact to the cent.

Pure: no Streamlit, no SQL. Money is `Decimal`; the arithmetic is done on exact fractions and
rounded once, at the end, half-up to the cent. Validation is separate from calculation: see
`validate_request`.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from lib import fmt, patterns
from lib.domain import TZ


class CalculationError(ValueError):
    """Bad input to the engine; the message is pt-BR."""


@dataclass(frozen=True)
class Method:
    code: str
    label: str
    source: str
    unit_singular: str
    unit_plural: str


METHODS: dict[str, Method] = {
    "anatel_minuto": Method(
        "anatel_minuto",
        "Anatel por minuto (padrão)",
        "Ressarcimento automático da Anatel (RQUAL, Res. 717/2019)",
        "minuto",
        "minutos",
    ),
    "ixc_hora_mes": Method(
        "ixc_hora_mes",
        "IXC por hora no mês",
        "IXC Soft, desconto por login / região de manutenção",
        "hora",
        "horas",
    ),
    "hora_30min": Method(
        "hora_30min",
        "Por hora (fração acima de 30 min conta 1 h)",
        "Res. 614/2013, art. 46 (revogada; ainda em contratos)",
        "hora",
        "horas",
    ),
    "dia_4h": Method(
        "dia_4h",
        "Por dia, manutenção programada (fração acima de 4 h conta 1 dia)",
        "Res. 614/2013, art. 46 §1 (revogada; ainda em contratos)",
        "dia",
        "dias",
    ),
}
DEFAULT_METHOD = "anatel_minuto"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class DiscountCalculation:
    method: str
    monthly_fee: Decimal
    start: datetime
    end: datetime
    minutes: int
    counted_units: Decimal  # minutes, hours (fractional for ixc_hora_mes) or days counted
    unit: str  # "minutos", "horas", "dias"
    divisor: int  # the fee is divided by this many units
    rate: Decimal  # fee per unit, shown with 6 decimals (the amount uses the exact fraction)
    amount: Decimal
    formula: str  # pt-BR sentence with the numbers in it
    below_threshold: bool = False

    @property
    def duration_text(self) -> str:
        return fmt.duration(self.minutes)


def _round_half_up(value: Fraction) -> Decimal:
    if value < 0:
        raise CalculationError("O valor do desconto não pode ser negativo.")
    cents = (value * 100 + Fraction(1, 2)).__floor__()
    return (Decimal(cents) / 100).quantize(CENT)


def whole_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from start to end; the seconds left over are dropped."""
    return (end - start) // timedelta(minutes=1)


def days_in_month(moment: datetime) -> int:
    local = moment.astimezone(TZ)
    return calendar.monthrange(local.year, local.month)[1]


def calculate_discount(
    monthly_fee: Decimal,
    start: datetime,
    end: datetime,
    method: str = DEFAULT_METHOD,
    *,
    min_minutes: int = 10,
) -> DiscountCalculation:
    """Compute the compensation for an interruption from `start` to `end`.

    Interruptions shorter than `min_minutes` (Anatel: 10) earn nothing. Raises CalculationError
    (a ValueError) with a pt-BR message on a naive datetime, end <= start, a negative fee or an
    unknown method.
    """
    if method not in METHODS:
        raise CalculationError(f"Método de cálculo desconhecido: {method!r}.")
    if not isinstance(monthly_fee, Decimal):
        raise CalculationError("A mensalidade deve ser um valor decimal exato.")
    if not monthly_fee.is_finite() or monthly_fee < 0:
        raise CalculationError("A mensalidade não pode ser negativa.")
    if start.tzinfo is None or end.tzinfo is None or start.utcoffset() is None:
        raise CalculationError("Os horários precisam ter fuso horário (America/Sao_Paulo).")
    if end <= start:
        raise CalculationError("O retorno do sinal deve ser depois do início da interrupção.")

    minutes = whole_minutes(start, end)
    fee = Fraction(monthly_fee)
    info = METHODS[method]
    fee_txt = fmt.brl(monthly_fee)

    if method == "anatel_minuto":
        divisor = 43_200
        units = Fraction(minutes)
        units_txt = f"{fmt.number(minutes, 0)} min"
        how = f"{fee_txt} ÷ 43.200 min (30 dias) × {units_txt}"
    elif method == "ixc_hora_mes":
        month_days = days_in_month(end)
        divisor = 24 * month_days
        units = Fraction(minutes, 60)
        units_txt = f"{fmt.number(Decimal(units.numerator) / units.denominator, 4)} h"
        how = f"{fee_txt} ÷ ({month_days} dias × 24 h) × {units_txt} ({fmt.duration(minutes)})"
    elif method == "hora_30min":
        divisor = 720
        hours, rest = divmod(minutes, 60)
        counted = hours + (1 if rest > 30 else 0)
        units = Fraction(counted)
        units_txt = f"{counted} h"
        how = f"{fee_txt} ÷ 720 h × {units_txt} ({fmt.duration(minutes)}; fração acima de 30 min conta 1 h)"
    else:  # dia_4h
        divisor = 30
        days, rest = divmod(minutes, 1440)
        counted = days + (1 if rest > 240 else 0)
        units = Fraction(counted)
        units_txt = f"{counted} {'dia' if counted == 1 else 'dias'}"
        how = f"{fee_txt} ÷ 30 dias × {units_txt} ({fmt.duration(minutes)}; fração acima de 4 h conta 1 dia)"

    below = minutes < min_minutes
    amount = Decimal("0.00") if below else _round_half_up(fee * units / divisor)
    if below:
        formula = (
            f"Interrupção de {fmt.duration(minutes)}, abaixo do mínimo de {min_minutes} min: "
            f"sem desconto ({how} não se aplica)."
        )
    else:
        formula = f"{how} = {fmt.brl(amount)}"
    rate = (Decimal(fee.numerator) / Decimal(fee.denominator) / divisor).quantize(
        Decimal("0.000001")
    )
    counted_units = (Decimal(units.numerator) / Decimal(units.denominator)).quantize(
        Decimal("0.0001")
    )
    return DiscountCalculation(
        method=method,
        monthly_fee=monthly_fee,
        start=start,
        end=end,
        minutes=minutes,
        counted_units=counted_units,
        unit=info.unit_plural,
        divisor=divisor,
        rate=rate,
        amount=amount,
        formula=formula,
        below_threshold=below,
    )


# --- validation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The validation rules, each a setting with the default DOMAIN.md gives."""

    min_minutes: int = 10
    deadline_days: int = 90
    max_fee_multiple: Decimal = Decimal("1")
    opa_pattern: str = r"[A-Za-z0-9]{6,20}"
    opa_hint: str = "de 6 a 20 letras e números"
    default_method: str = DEFAULT_METHOD
    # Approving more than this many monthly fees asks for an explicit confirmation, even from
    # a supervisor: R$ 123.456,00 on a R$ 119,90 fee is a typo far more often than a deal.
    confirm_fee_multiple: Decimal = Decimal("3")
    # "Marcar como aplicado": the discount goes on the next open invoice. An invoice due more
    # than 60 days ago was issued two billing cycles back and is normally paid and closed, so
    # such a date is almost always a typo (a wrong year); 60 days still covers an invoice that
    # is a month overdue when finance gets to the request.
    invoice_max_age_days: int = 60
    # ...and one due more than 120 days ahead (four monthly cycles) is no "next invoice" either.
    invoice_max_ahead_days: int = 120
    # Incidents (issue 15): on closing one, create a request for every affected contract that
    # has none (off: the procedure grants a discount only when the customer asks), and how many
    # days after its end a closed incident is still proposed on the request form.
    incident_auto_compensation: bool = False
    incident_recent_days: int = 3

    @classmethod
    def from_settings(cls, values: dict[str, object]) -> Rules:
        known: dict[str, Any] = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        for name in ("max_fee_multiple", "confirm_fee_multiple"):
            if name in known:
                known[name] = Decimal(str(known[name]))
        for name in (
            "min_minutes",
            "deadline_days",
            "invoice_max_age_days",
            "invoice_max_ahead_days",
        ):
            if name in known:
                known[name] = int(known[name])
        if "incident_auto_compensation" in known:
            known["incident_auto_compensation"] = known["incident_auto_compensation"] is True
        if "incident_recent_days" in known:
            known["incident_recent_days"] = int(known["incident_recent_days"])
        return cls(**known)


@dataclass(frozen=True)
class Finding:
    level: str  # "erro" blocks saving; "aviso" does not
    code: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.level == "erro"


@dataclass(frozen=True)
class Overlap:
    ticket_id: int
    protocol: str
    start: datetime
    end: datetime


def interruption_start(opened_at: datetime, incident_started_at: datetime | None) -> datetime:
    """Where the discount period starts: the ticket's opening, or the incident's start when it
    is known and earlier (reasons 3-5)."""
    if incident_started_at is not None and incident_started_at < opened_at:
        return incident_started_at
    return opened_at


@dataclass
class Draft:
    """What the attendant typed, before saving."""

    monthly_fee: Decimal
    occurred_on: date | None
    opened_at: datetime | None
    signal_returned_at: datetime | None
    opa_protocol: str
    incident_started_at: datetime | None = None
    method: str = DEFAULT_METHOD
    overlaps: Sequence[Overlap] = field(default_factory=tuple)

    @property
    def start(self) -> datetime | None:
        return (
            None
            if self.opened_at is None
            else interruption_start(self.opened_at, self.incident_started_at)
        )


def validate_request(
    draft: Draft, rules: Rules, now: datetime, calc: DiscountCalculation | None = None
) -> list[Finding]:
    """Every error and warning for a draft request. Errors block saving; warnings do not."""
    out: list[Finding] = []
    err = lambda code, msg: out.append(Finding("erro", code, msg))  # noqa: E731
    warn = lambda code, msg: out.append(Finding("aviso", code, msg))  # noqa: E731

    if draft.occurred_on is None:
        err("data_ocorrido", "Informe a data do ocorrido.")
    if draft.opened_at is None:
        err("abertura", "Informe a data e a hora da abertura do chamado.")
    opa = (draft.opa_protocol or "").strip()
    if not opa:
        err("opa_obrigatorio", "Informe o protocolo OPA.")
    elif len(opa) > patterns.MAX_INPUT:
        err("opa_formato", f"Protocolo OPA: use no máximo {patterns.MAX_INPUT} caracteres.")
    else:
        try:
            if not patterns.fullmatch(rules.opa_pattern, opa):
                err("opa_formato", f"Protocolo OPA inválido: use {rules.opa_hint}.")
        except patterns.PatternTimeout as exc:
            err("opa_formato", str(exc))

    if draft.opened_at is not None:
        if draft.opened_at > now:
            err("abertura_futura", "A abertura do chamado não pode estar no futuro.")
        if (
            draft.occurred_on is not None
            and draft.occurred_on > draft.opened_at.astimezone(TZ).date()
        ):
            err("ocorrido_depois", "A data do ocorrido não pode ser depois da abertura do chamado.")
    if draft.incident_started_at is not None and draft.incident_started_at > now:
        err("incidente_futuro", "O início do incidente não pode estar no futuro.")

    if draft.signal_returned_at is not None:
        if draft.signal_returned_at > now:
            err("retorno_futuro", "O retorno do sinal não pode estar no futuro.")
        start = draft.start
        if start is not None and draft.signal_returned_at <= start:
            err("retorno_antes", "O retorno do sinal deve ser depois da abertura do chamado.")

    if draft.occurred_on is not None:
        limit = now.astimezone(TZ).date() - timedelta(days=rules.deadline_days)
        if draft.occurred_on < limit:
            warn(
                "prazo_vencido",
                f"O ocorrido foi há mais de {rules.deadline_days} dias: o prazo de ressarcimento já passou.",
            )

    if calc is not None:
        if calc.minutes < rules.min_minutes:
            warn(
                "abaixo_minimo",
                f"Interrupção de {fmt.duration(calc.minutes)}: a Anatel só conta interrupções "
                f"a partir de {rules.min_minutes} minutos; o valor é zero.",
            )
        cap = (draft.monthly_fee * rules.max_fee_multiple).quantize(CENT)
        if calc.amount > cap:
            warn(
                "acima_mensalidade",
                f"O desconto ({fmt.brl(calc.amount)}) passa de uma mensalidade ({fmt.brl(cap)}): "
                "só um supervisor pode aprovar.",
            )
    for o in draft.overlaps:
        warn(
            "sobreposicao",
            f"Sobrepõe o desconto #{o.ticket_id} (protocolo {o.protocol}) do mesmo contrato, "
            f"de {fmt.day_time(o.start)} a {fmt.day_time(o.end)}.",
        )
    return out

"""The validation rules as settings a supervisor may change (DOMAIN.md gives the defaults)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from lib.auth import Perm, User, require
from lib.discount import METHODS, Rules
from lib.domain import DomainError
from lib.patterns import check_pattern
from lib.store import Store, retrying
from lib.store import catalog as cat
from lib.usecases import audit

LABELS = {
    "min_minutes": "Interrupção mínima (minutos)",
    "deadline_days": "Prazo de ressarcimento (dias)",
    "max_fee_multiple": "Limite sem aprovação do supervisor (mensalidades)",
    "opa_pattern": "Formato do protocolo OPA",
    "opa_hint": "Explicação do formato OPA",
    "default_method": "Método de cálculo padrão",
    "confirm_fee_multiple": "Confirmação acima de (mensalidades)",
    "invoice_max_age_days": "Vencimento da fatura no passado (dias)",
    "invoice_max_ahead_days": "Vencimento da fatura no futuro (dias)",
    "incident_auto_compensation": "Ressarcimento automático ao encerrar incidente",
    "incident_recent_days": "Propor incidente encerrado há até (dias)",
}


def current(store: Store, actor: User) -> Rules:
    require(actor, Perm.READ_TICKETS)
    with store.read() as cur:
        return Rules.from_settings(cat.settings(cur))


def _fee_multiple(value: str | Decimal, label: str) -> Decimal:
    """A number of monthly fees, `1`, `1,5` or `1.5`: above zero, at most 1.000."""
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", text):
        raise DomainError(f"{label}: número inválido (use, por exemplo, 1 ou 1,5).")
    try:
        multiple = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError(f"{label}: número inválido.") from exc
    if not multiple.is_finite() or multiple <= 0:
        raise DomainError(f"{label}: use um número maior que zero.")
    if multiple > 1000:
        raise DomainError(f"{label}: use no máximo 1.000 mensalidades.")
    return multiple


@retrying
def update(
    store: Store,
    actor: User,
    *,
    min_minutes: int,
    deadline_days: int,
    max_fee_multiple: str | Decimal,
    opa_pattern: str,
    opa_hint: str,
    default_method: str,
    confirm_fee_multiple: str | Decimal | None = None,
    invoice_max_age_days: int | None = None,
    invoice_max_ahead_days: int | None = None,
) -> Rules:
    """Validate and save every rule at once (one transaction). The rules added later may be
    left out (None): they keep their stored value."""
    require(actor, Perm.MANAGE_SETTINGS)
    if not 0 <= int(min_minutes) <= 24 * 60:
        raise DomainError("Interrupção mínima: use de 0 a 1.440 minutos.")
    if not 1 <= int(deadline_days) <= 3650:
        raise DomainError("Prazo de ressarcimento: use de 1 a 3.650 dias.")
    multiple = _fee_multiple(max_fee_multiple, "Limite sem aprovação do supervisor")
    extra: dict[str, str | int] = {}
    if confirm_fee_multiple is not None:
        extra["confirm_fee_multiple"] = str(
            _fee_multiple(confirm_fee_multiple, "Confirmação acima de")
        )
    if invoice_max_age_days is not None:
        if not 0 <= int(invoice_max_age_days) <= 3650:
            raise DomainError("Vencimento da fatura no passado: use de 0 a 3.650 dias.")
        extra["invoice_max_age_days"] = int(invoice_max_age_days)
    if invoice_max_ahead_days is not None:
        if not 31 <= int(invoice_max_ahead_days) <= 3650:
            raise DomainError(
                "Vencimento da fatura no futuro: use de 31 a 3.650 dias (a próxima fatura pode "
                "vencer até 31 dias depois de hoje)."
            )
        extra["invoice_max_ahead_days"] = int(invoice_max_ahead_days)
    opa_pattern = check_pattern(opa_pattern)  # compiles, refuses catastrophic backtracking
    if not opa_hint.strip():
        raise DomainError("Explicação do formato OPA: escreva como o atendente deve digitar.")
    if default_method not in METHODS:
        raise DomainError("Método de cálculo padrão desconhecido.")
    values = {
        "min_minutes": int(min_minutes),
        "deadline_days": int(deadline_days),
        "max_fee_multiple": str(multiple),
        "opa_pattern": opa_pattern.strip(),
        "opa_hint": opa_hint.strip(),
        "default_method": default_method,
        **extra,
    }
    with store.transaction() as cur:
        before = cat.settings(cur)
        for key, value in values.items():
            if before.get(key) != value:
                cat.set_setting(cur, key, value)
                audit.record(
                    cur,
                    actor,
                    "configuracao_alterada",
                    "configurações do desconto",
                    field=LABELS[key],
                    old=before.get(key),
                    new=value,
                )
        return Rules.from_settings(cat.settings(cur))


@retrying
def set_incident_auto_compensation(store: Store, actor: User, on: bool) -> Rules:
    """Issue 15: create, when an incident closes, a request for every affected contract that
    has none (off by default: the procedure grants a discount only when the customer asks)."""
    require(actor, Perm.MANAGE_SETTINGS)
    key = "incident_auto_compensation"
    with store.transaction() as cur:
        before = cat.settings(cur).get(key, False)
        if before is not bool(on):
            cat.set_setting(cur, key, bool(on))
            audit.record(
                cur,
                actor,
                "configuracao_alterada",
                "configurações do desconto",
                field=LABELS[key],
                old="ligado" if before is True else "desligado",
                new="ligado" if on else "desligado",
            )
        return Rules.from_settings(cat.settings(cur))


@retrying
def set_incident_recent_days(store: Store, actor: User, days: int) -> Rules:
    """Issue 15: how many days after its end a closed incident is still proposed on the
    request form (0: only open incidents)."""
    require(actor, Perm.MANAGE_SETTINGS)
    key = "incident_recent_days"
    if not 0 <= int(days) <= 90:
        raise DomainError(f"{LABELS[key]}: use de 0 a 90 dias.")
    with store.transaction() as cur:
        before = cat.settings(cur).get(key)
        if before != int(days):
            cat.set_setting(cur, key, int(days))
            audit.record(
                cur,
                actor,
                "configuracao_alterada",
                "configurações do desconto",
                field=LABELS[key],
                old=before,
                new=int(days),
            )
        return Rules.from_settings(cat.settings(cur))

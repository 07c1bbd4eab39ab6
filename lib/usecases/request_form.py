"""The discount request form's use-cases: the foundation's preview and save, plus what only the
form knows about — the per-reason details (visit dates, what the visit found, the incident) and
the "signal not back yet" choice — and the text the attendant reads to the customer.

Saving still goes through `discount_requests.open_discount_request` (one transaction, idempotency key);
this module only refuses earlier, with the same pt-BR findings the preview shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import Finding
from lib.domain import REASONS, TZ, VISIT_FINDINGS, DomainError
from lib.domain import now as clock_now
from lib.store import Store
from lib.usecases import discount_requests
from lib.usecases.discount_requests import DiscountRequestInput, Preview, oldest_date
from lib.usecases.opening import Opened, day, reserved_date_problem

# How far ahead a rescheduled visit may be: a year; later is a typo (30/11/9999).
VISIT_MAX_DAYS = 366

# The field each finding is about, as the form labels it (the procedure's own words).
FIELD_LABELS: dict[str, str] = {  # in the form's order: findings are listed in it
    "cliente": "Cliente",
    "vinculo": "Cliente",
    "login": "Login",
    "login_vinculo": "Login",
    "contrato": "Contrato",
    "contrato_vinculo": "Contrato",
    "motivo": "Motivo",
    "incidente": "Incidente",
    "visita_agendada": "Data agendada da visita",
    "visita_nova": "Nova data da visita",
    "visita_constatado": "O que a visita constatou",
    "visita_data": "Data da visita",
    "incidente_futuro": "Início do incidente",
    "incidente_antigo": "Início do incidente",
    "incidente_depois": "Início do incidente",
    "data_ocorrido": "Data ocorrido",
    "ocorrido_antigo": "Data ocorrido",
    "ocorrido_futuro": "Data ocorrido",
    "ocorrido_depois": "Data ocorrido",
    "ocorrido_depois_inicio": "Data ocorrido",
    "prazo_vencido": "Data ocorrido",
    "abertura": "Hora da abertura do chamado",
    "abertura_antiga": "Hora da abertura do chamado",
    "abertura_futura": "Hora da abertura do chamado",
    "retorno": "Hora do retorno do sinal da internet",
    "retorno_antigo": "Hora do retorno do sinal da internet",
    "retorno_futuro": "Hora do retorno do sinal da internet",
    "retorno_antes": "Hora do retorno do sinal da internet",
    "abaixo_minimo": "Duração",
    "sobreposicao": "Período",
    "acima_mensalidade": "Valor",
    "opa_obrigatorio": "Protocolo OPA",
    "opa_formato": "Protocolo OPA",
    "metodo": "Método de cálculo",
    "reservada": "Data reservada",
}
_ORDER = {code: i for i, code in enumerate(FIELD_LABELS)}


def field_label(finding: Finding) -> str:
    return FIELD_LABELS.get(finding.code, "Pedido")


@dataclass(frozen=True)
class FormInput:
    """What the form holds: the foundation's input and the choices only the form makes."""

    data: DiscountRequestInput
    signal_pending: bool = False  # "O sinal ainda não voltou": save without the return time


def _as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(TZ).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def form_findings(form: FormInput, now: datetime) -> list[Finding]:
    """Errors the foundation's validation does not know: the per-reason details and a missing
    return time that was not declared as pending."""
    data, out = form.data, []
    err = lambda code, msg: out.append(Finding("erro", code, msg))  # noqa: E731
    today = now.astimezone(TZ).date()
    details = data.reason_details or {}
    if data.customer_id is not None and data.login_id is None:
        err("login", "Escolha o login PPPoE do cliente (o assunto DESCONTO EM FATURA exige login).")
    if data.signal_returned_at is None and not form.signal_pending:
        err(
            "retorno",
            "Informe a hora do retorno do sinal, ou marque “O sinal ainda não voltou”.",
        )
    oldest, latest = oldest_date(today), today + timedelta(days=VISIT_MAX_DAYS)
    problem = reserved_date_problem(data.extras.reserved_date, today)
    if problem:
        err("reservada", problem.split(": ", 1)[1])
    if data.reason == 1:
        booked = _as_date(details.get("booked_visit_date"))
        new = _as_date(details.get("new_visit_date"))
        if booked is None:
            err("visita_agendada", "Informe a data em que a visita estava agendada.")
        elif booked > today:
            err(
                "visita_agendada",
                f"{day(booked)} ainda não chegou: o técnico não compareceu numa data que já "
                "passou.",
            )
        elif booked < oldest:
            err("visita_agendada", f"{day(booked)} é de mais de 5 anos atrás: confira a data.")
        if new is None:
            err("visita_nova", "Informe a nova data da visita.")
        elif new > latest:
            err("visita_nova", f"{day(new)} está a mais de um ano de hoje: confira a data.")
        if booked and new and new <= booked:
            err("visita_nova", "A nova data da visita deve ser depois da data agendada.")
    elif data.reason == 2:
        found = details.get("visit_finding")
        if found not in VISIT_FINDINGS:
            err("visita_constatado", "Escolha o que a visita constatou.")
        elif found == "outro" and not str(details.get("visit_finding_other") or "").strip():
            err("visita_constatado", "Descreva o que a visita constatou.")
        visit = _as_date(details.get("visit_date"))
        if visit is None:
            err("visita_data", "Informe a data da visita técnica.")
        elif visit > today:
            err("visita_data", "A data da visita não pode estar no futuro.")
        elif visit < oldest:
            err("visita_data", f"{day(visit)} é de mais de 5 anos atrás: confira a data.")
    return out


def details_text(data: DiscountRequestInput) -> str:
    """The reason's details as a line for the ticket, so finance reads them with the request."""
    d = data.reason_details or {}
    if data.reason == 1:
        return (
            f"Visita agendada para {fmt.day(_as_date(d.get('booked_visit_date')))}, "
            f"remarcada para {fmt.day(_as_date(d.get('new_visit_date')))}."
        )
    if data.reason == 2:
        found = VISIT_FINDINGS.get(d.get("visit_finding") or "", "")
        other = str(d.get("visit_finding_other") or "").strip()
        if d.get("visit_finding") == "outro" and other:
            found = f"Outro: {other}"
        return f"Visita técnica em {fmt.day(_as_date(d.get('visit_date')))} constatou: {found}."
    if data.reason in (3, 4, 5):
        parts = []
        if str(d.get("incident") or "").strip():
            parts.append(f"Incidente: {str(d['incident']).strip()}.")
        if data.incident_started_at is not None:
            parts.append(f"Início do incidente: {fmt.day_time(data.incident_started_at)}.")
        return " ".join(parts)
    return ""


def preview(store: Store, actor: User, form: FormInput, now: datetime | None = None) -> Preview:
    """The foundation's preview with the form's own findings added (errors first)."""
    now = now or clock_now()
    base = discount_requests.preview_discount(store, actor, form.data, now)
    extra = form_findings(form, now)
    findings = sorted(extra + list(base.findings), key=lambda f: _ORDER.get(f.code, len(_ORDER)))
    return replace(base, findings=findings)


def submit(
    store: Store,
    actor: User,
    form: FormInput,
    idempotency_key: str,
    now: datetime | None = None,
) -> Opened:
    """Save the request through the foundation's use-case, after the form's own checks.

    A key that already opened a request returns that request, whatever the form holds now (a
    resent save must not be refused because the first one now overlaps it). Otherwise raises
    DomainError (pt-BR, "Não foi salvo. Corrija: …", naming the fields) when anything blocks;
    nothing is written then.
    """
    require(actor, Perm.OPEN_DISCOUNT)
    now = now or clock_now()
    existing = discount_requests.opened_by_key(store, actor, idempotency_key)
    if existing is not None:
        return existing
    errors = preview(store, actor, form, now).errors
    if errors:
        raise DomainError(
            "Não foi salvo. Corrija: " + " ".join(f"{field_label(f)}: {f.message}" for f in errors)
        )
    data = form.data
    if form.signal_pending:
        data = replace(data, signal_returned_at=None)
    extra = details_text(data)
    if extra:
        message = extra + ("\n" + data.message.strip() if data.message.strip() else "")
        data = replace(data, message=message)
    return discount_requests.open_discount_request(store, actor, data, idempotency_key, now=now)


# Forms of address and titles written before a name in the customer register: never a first
# name ("Dr. João Souza" is greeted "Sr(a). João").
_TITLE = re.compile(
    r"\s*(?:dr|dra|drs|dras|doutor|doutora|sr|sra|srs|sras|srta|senhor|senhora|senhorita|dona"
    r"|dom|prof|profa|professor|professora|eng|enga|me|mestre|pe|padre|pr|pra|pastor|pastora|rev"
    r"|exmo|exma|ilmo|ilma|cel|cap|ten|sgt|gen|maj|des|dep|ver)(?:\(a\))?(?:\.ª|ª)?"
    r"(?:\.|\s+|$)[\s,.]*",
    re.IGNORECASE,
)


def first_name(customer_name: str) -> str:
    """The name to greet: the first word after any titles (Dr., Dra., Sr., Sra., …, any case,
    with or without the dot); "cliente" when no name is left."""
    name = (customer_name or "").strip()
    while (m := _TITLE.match(name)) and m.end() > 0:
        name = name[m.end() :]
    words = [w for w in name.replace(",", " ").split() if any(ch.isalpha() for ch in w)]
    if not words:
        return "cliente"
    word = words[0]
    return word.capitalize() if word.isupper() or word.islower() else word


def customer_script(customer_name: str, protocol: str, due: date | None, waiting: bool) -> str:
    """What the attendant reads to the customer after saving (pt-BR)."""
    first = first_name(customer_name)
    text = (
        f"Sr(a). {first}, seu pedido de desconto foi registrado com o protocolo {protocol}. "
        "O setor financeiro vai analisar e o desconto, se aprovado, virá na fatura"
        + (f" com vencimento em {fmt.day(due)}." if due else ".")
    )
    if waiting:
        text += (
            " Assim que o sinal voltar, registraremos o horário e o valor será calculado "
            "pelo tempo sem conexão."
        )
    return text


def reason_hint(code: int) -> str:
    return REASONS[code].hint

"""Shared pieces of the incident use-cases: input, limits, checks, loading with the screen's version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lib import fmt
from lib.domain import (
    INCIDENT_REASONS,
    TZ,
    DomainError,
    NotFound,
    StaleState,
)
from lib.store import Cursor
from lib.store import incidents as inc
from lib.usecases.discount_requests import oldest_date

SCOPE_KINDS = {"bairro": "Bairros", "cto": "Caixas CTO/NAP", "login": "Logins PPPoE"}
SCOPE_SINGULAR = {"bairro": "bairro", "cto": "caixa CTO/NAP", "login": "login"}
EVENT_LABELS = {
    "abrir": "Aberto",
    "editar": "Editado",
    "encerrar": "Encerrado",
    "vincular": "Pedido vinculado",
    "incorporar": "Pedido incorporado",
    "aprovar_lote": "Aprovação em lote",
}
MAX_TITLE = 120
MAX_CAUSE = 2000
MAX_SCOPE_VALUES = 500
AUTO_KEY = "incidente-{incident}-contrato-{contract}"


@dataclass
class IncidentInput:
    reason: int | None
    title: str
    cause: str
    started_at: datetime | None
    scope_kind: str
    scope_values: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CloseResult:
    incident_id: int
    returned: int  # linked requests whose signal return was recorded
    created: int  # automatic requests created
    covered: int  # contracts left without an automatic request: already covered elsewhere
    individual: int  # contracts with an individual request overlapping: flagged for merging
    message: str


# --- small pure pieces ------------------------------------------------------------------------


def free_pieces(
    start: datetime, end: datetime, taken: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) that none of the `taken` periods covers, in order."""
    pieces = [(start, end)]
    for t_start, t_end in sorted(taken):
        out = []
        for p_start, p_end in pieces:
            if t_end <= p_start or t_start >= p_end:
                out.append((p_start, p_end))
                continue
            if t_start > p_start:
                out.append((p_start, t_start))
            if t_end < p_end:
                out.append((t_end, p_end))
        pieces = out
    return [p for p in pieces if p[1] - p[0] >= timedelta(minutes=1)]


def longest(pieces: list[tuple[datetime, datetime]]) -> tuple[datetime, datetime] | None:
    return max(pieces, key=lambda p: (p[1] - p[0], -p[0].timestamp()), default=None)


def _clean_values(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        text = " ".join(str(v or "").split())
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    return sorted(seen.values(), key=str.lower)


def _check_time(label: str, value: datetime | None, now: datetime) -> datetime:
    if value is None:
        raise DomainError(f"{label}: informe a data e a hora.")
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    value = value.replace(second=0, microsecond=0)
    if value > now:
        raise DomainError(f"{label} ({fmt.day_time(value)}) não pode estar no futuro.")
    if value.astimezone(TZ).date() < oldest_date(now.astimezone(TZ).date()):
        raise DomainError(f"{label} ({fmt.day_time(value)}) é de mais de 5 anos atrás: confira.")
    return value


def _check_input(cur: Cursor, data: IncidentInput, now: datetime) -> tuple[IncidentInput, list]:
    """Validate the incident's fields and resolve its scope; returns the cleaned input and the
    affected logins. Refuses (pt-BR) an unknown reason, an empty title, a start in the future,
    an empty scope and values no login has."""
    if data.reason not in INCIDENT_REASONS:
        raise DomainError("Motivo: escolha 3, 4 ou 5 (rompimento, queda massiva ou roubo).")
    title = " ".join((data.title or "").split())
    if not title:
        raise DomainError("Título: descreva o incidente em poucas palavras.")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Título: use no máximo {MAX_TITLE} caracteres.")
    cause = (data.cause or "").strip()
    if len(cause) > MAX_CAUSE:
        raise DomainError(f"Causa: use no máximo {MAX_CAUSE} caracteres.")
    if data.scope_kind not in SCOPE_KINDS:
        raise DomainError("Abrangência: escolha bairros, caixas CTO/NAP ou logins.")
    started = _check_time("Início do incidente", data.started_at, now)
    values = _clean_values(data.scope_values)
    if not values:
        raise DomainError(f"Abrangência: informe ao menos um {SCOPE_SINGULAR[data.scope_kind]}.")
    if len(values) > MAX_SCOPE_VALUES:
        raise DomainError(f"Abrangência: no máximo {MAX_SCOPE_VALUES} itens por incidente.")
    known = inc.known_values(cur, data.scope_kind, values)
    unknown = [v for v in values if v.lower() not in known]
    if unknown:
        shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
        raise DomainError(
            f"Abrangência: nenhum login tem {SCOPE_SINGULAR[data.scope_kind]} {shown}. "
            "Confira a grafia."
        )
    found = inc.resolve_scope(cur, data.scope_kind, values)
    if not found:
        raise DomainError("Abrangência: nenhum login ativo foi encontrado nela.")
    cleaned = IncidentInput(data.reason, title, cause, started, data.scope_kind, values)
    return cleaned, found


def _stale(cur: Cursor, incident: dict) -> StaleState:
    last = inc.last_event(cur, incident["id"])
    if incident["closed_at"] is not None and incident["ended_at"] is not None:
        who = incident.get("closed_by_name") or "outro usuário"
        return StaleState(
            f"O incidente #{incident['id']} já foi encerrado por {who} às "
            f"{fmt.day_time(incident['closed_at'])}, enquanto você olhava. Confira antes de "
            "agir de novo."
        )
    if last is not None:
        what = EVENT_LABELS.get(last["kind"], "Alterado").lower()
        return StaleState(
            f"O incidente #{incident['id']} foi {what} por {last['staff'] or 'outro usuário'} "
            f"às {fmt.day_time(last['created_at'])}, enquanto você olhava. Recarregue e "
            "confira antes de agir de novo."
        )
    return StaleState(f"O incidente #{incident['id']} mudou enquanto você olhava. Recarregue.")


def _load(cur: Cursor, incident_id: int, expected_version: int | None) -> dict:
    incident = inc.get_incident(cur, incident_id)
    if incident is None:
        raise NotFound(f"Incidente #{incident_id} não encontrado.")
    if expected_version is not None and incident["version"] != expected_version:
        raise _stale(cur, incident)
    return incident


def _describe_scope(kind: str, values: list[str], logins: int, contracts: int) -> str:
    shown = ", ".join(values[:8]) + (f" e mais {len(values) - 8}" if len(values) > 8 else "")
    return (
        f"{SCOPE_KINDS[kind]}: {shown} ({logins} login{'s' if logins != 1 else ''}, "
        f"{contracts} contrato{'s' if contracts != 1 else ''})"
    )

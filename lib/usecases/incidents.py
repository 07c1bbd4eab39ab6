"""Incidents: mass outages (reasons 3 external cable break, 4 massive outage from an internal
configuration, 5 splice-box theft) that reach many customers at once, after IXC's "Região de
manutenção".

The NOC (or a supervisor) opens an incident with its reason, start, cause and scope (a list of
neighbourhoods, of CTO/NAP boxes, or of PPPoE logins); the scope is resolved to the affected
logins and contracts and stored, again on every change. The request form proposes an open or
recent incident for a login inside it, and a request linked to it takes the incident's start
(and end, once closed). Closing the incident records the signal's return on every linked
request still waiting for it and computes its value; with the setting
`incident_auto_compensation` on, it also creates a request for every affected contract that has
none (automatic, origin Interna). All of it in one transaction: a close is all or nothing.

Two incidents never compensate the same minute of one contract: a request an incident creates
covers only the part of the incident's window no other live request of the contract covers
(the longest such part; none when all of it is covered), and a linked request's end is pulled
back to the start of another live request that begins inside its period.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.discount import CalculationError, Rules, calculate_discount, interruption_start
from lib.domain import (
    DISCOUNT_SUBJECT,
    FINANCE_DEPARTMENT,
    REASONS,
    TZ,
    Action,
    Decision,
    DomainError,
    NotFound,
    StaleState,
    Status,
    compensation_deadline,
)
from lib.domain import now as clock_now
from lib.store import Cursor, Store
from lib.store import catalog as cat
from lib.store import incidents as inc
from lib.store import tickets as tk
from lib.usecases import bulk_actions, ticket_actions
from lib.usecases.discount_requests import RETURN_LINE, completed_procedure, oldest_date
from lib.usecases.incident_link import Proposal, proposals_for_login
from lib.usecases.opening import TicketExtras, after_open, insert_new_ticket
from lib.usecases.transitions import decide, load_shown, move

INCIDENT_REASONS = (3, 4, 5)
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


# --- open, edit, close -------------------------------------------------------------------------


def open_incident(
    store: Store,
    actor: User,
    data: IncidentInput,
    idempotency_key: str,
    now: datetime | None = None,
) -> int:
    """Open an incident and store what its scope resolves to (one transaction). The same
    idempotency key twice returns the first incident."""
    require(actor, Perm.MANAGE_INCIDENTS)
    if not idempotency_key:
        raise ValueError("idempotency_key is required")
    now = now or clock_now()
    try:
        with store.transaction() as cur:
            existing = inc.incident_by_key(cur, idempotency_key)
            if existing is not None:
                return int(existing)
            clean, found = _check_input(cur, data, now)
            incident_id = inc.insert_incident(
                cur,
                {
                    "reason": clean.reason,
                    "title": clean.title,
                    "cause": clean.cause,
                    "started_at": clean.started_at,
                    "scope_kind": clean.scope_kind,
                    "opened_by": actor.id,
                    "opened_at": now,
                    "idempotency_key": idempotency_key,
                },
            )
            if incident_id is None:  # the same key, saved by a concurrent click
                raise StaleState("O incidente já foi aberto por outro clique.")
            inc.set_scope(cur, incident_id, clean.scope_values)
            inc.replace_members(cur, incident_id, found)
            contracts = len({m["contract_id"] for m in found if m["contract_id"] is not None})
            inc.add_event(
                cur,
                incident_id,
                now,
                actor.id,
                "abrir",
                f"{REASONS[clean.reason or 3].label}, início {fmt.day_time(clean.started_at)}. "
                + _describe_scope(clean.scope_kind, clean.scope_values, len(found), contracts),
            )
            return incident_id
    except (StaleState, inc.KeyTaken):
        # a second click raced the first in another session: return the one that won
        with store.read() as cur:
            existing = inc.incident_by_key(cur, idempotency_key)
        if existing is None:
            raise
        return int(existing)


def edit_incident(
    store: Store,
    actor: User,
    incident_id: int,
    data: IncidentInput,
    expected_version: int,
    now: datetime | None = None,
) -> None:
    """Change an incident's reason, title, cause, start or scope; the scope is resolved again.
    Requests already linked keep their link; those still waiting take the new start. A closed
    incident's start and scope no longer change (its requests were computed on them)."""
    require(actor, Perm.MANAGE_INCIDENTS)
    now = now or clock_now()
    with store.transaction() as cur:
        incident = _load(cur, incident_id, expected_version)
        clean, found = _check_input(cur, data, now)
        old_scope = inc.scope_values(cur, incident_id)
        closed = incident["ended_at"] is not None
        scope_changed = (
            clean.scope_kind != incident["scope_kind"] or old_scope != clean.scope_values
        )
        if closed and (clean.started_at != incident["started_at"] or scope_changed):
            raise DomainError(
                "O incidente já foi encerrado: seus pedidos foram calculados com este início e "
                "esta abrangência, que não mudam mais. Corrija o título, o motivo ou a causa."
            )
        if closed and clean.reason != incident["reason"]:
            raise DomainError("O incidente já foi encerrado: o motivo não muda mais.")
        changes: dict[str, Any] = {}
        notes = []
        for key, label in (
            ("reason", "Motivo"),
            ("title", "Título"),
            ("cause", "Causa"),
            ("started_at", "Início"),
            ("scope_kind", "Tipo de abrangência"),
        ):
            new = getattr(clean, key)
            if new != incident[key]:
                changes[key] = new
                shown_old, shown_new = incident[key], new
                if key == "started_at":
                    shown_old, shown_new = fmt.day_time(incident[key]), fmt.day_time(new)
                elif key == "reason":
                    shown_old, shown_new = REASONS[incident[key]].label, REASONS[new].label
                elif key == "scope_kind":
                    shown_old, shown_new = SCOPE_KINDS[incident[key]], SCOPE_KINDS[new]
                notes.append(f"{label}: {shown_old} → {shown_new}")
        if not changes and not scope_changed:
            raise DomainError("Nada mudou no incidente.")
        if not inc.update_incident(cur, incident_id, expected_version, changes):
            raise _stale(cur, incident)
        if scope_changed:
            inc.set_scope(cur, incident_id, clean.scope_values)
            inc.replace_members(cur, incident_id, found)
            contracts = len({m["contract_id"] for m in found if m["contract_id"] is not None})
            notes.append(
                "Abrangência: "
                + _describe_scope(clean.scope_kind, clean.scope_values, len(found), contracts)
            )
        if "started_at" in changes or "reason" in changes:
            rules = Rules.from_settings(cat.settings(cur))
            for req in inc.linked_requests(cur, incident_id):
                update: dict[str, Any] = {
                    "incident_started_at": clean.started_at,
                    "reason": clean.reason,
                }
                if req["decision"] == Decision.PENDENTE.value and req["signal_returned_at"]:
                    # merged with its own return: its value follows the new start
                    begin = interruption_start(req["opened_at"], clean.started_at)
                    if req["signal_returned_at"] <= begin:
                        raise DomainError(
                            f"Início do incidente: o pedido #{req['ticket_id']} teve o retorno do "
                            f"sinal às {fmt.day_time(req['signal_returned_at'])}, antes do novo "
                            "início."
                        )
                    calc = calculate_discount(
                        Decimal(req["monthly_fee"]),
                        begin,
                        req["signal_returned_at"],
                        req["method"],
                        min_minutes=rules.min_minutes,
                    )
                    update.update(
                        minutes=calc.minutes,
                        counted_units=calc.counted_units,
                        computed_amount=calc.amount,
                    )
                elif req["decision"] != Decision.AGUARDANDO_RETORNO.value:
                    continue  # decided by finance: its period stays as approved or refused
                tk.update_discount(cur, req["ticket_id"], req["decision"], update)
        inc.add_event(cur, incident_id, now, actor.id, "editar", "; ".join(notes))


def _record_return(
    cur: Cursor,
    actor: User,
    now: datetime,
    req: dict,
    end: datetime,
    rules: Rules,
    incident_id: int,
    taken: list[tuple[datetime, datetime]],
) -> None:
    """The signal's return on one linked request waiting for it, with its value; the end is
    pulled back to the start of another live request of the contract that begins inside the
    period (that time is already compensated)."""
    # `req` was read in this transaction (linked_requests): the ticket's id, status and text,
    # and the request itself; decide() and move() still update only from these states.
    ticket = {"id": req["ticket_id"], "status": req["status"], "message": req["message"]}
    discount = req
    start = interruption_start(discount["opened_at"], discount["incident_started_at"])
    note_extra = ""
    later = [s for s, e in taken if start < s < end]
    if later:
        end = min(later)
        note_extra = (
            f" Período encerrado em {fmt.day_time(end)}: dali em diante o contrato já tem "
            "outro desconto."
        )
    if end <= start:
        raise DomainError(
            f"Fim do incidente: o pedido #{req['ticket_id']} começa em {fmt.day_time(start)}, "
            f"depois do fim informado ({fmt.day_time(end)}). Confira o fim do incidente."
        )
    try:
        calc = calculate_discount(
            Decimal(discount["monthly_fee"]),
            start,
            end,
            discount["method"],
            min_minutes=rules.min_minutes,
        )
    except CalculationError as exc:
        raise DomainError(f"Pedido #{req['ticket_id']}: {exc}") from exc
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
    period = f"{fmt.day_time(start)} a {fmt.day_time(end)} ({calc.duration_text}; {fmt.brl(calc.amount)})"
    lines = (RETURN_LINE + fmt.day_time(end), "Período para dar desconto: " + period)
    message, before = completed_procedure(ticket["message"], lines)
    note = (
        f"Retorno do sinal pelo encerramento do incidente #{incident_id}: {fmt.day_time(end)} "
        f"({calc.duration_text}). {calc.formula}{note_extra}"
    )
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


def _create_automatic(
    cur: Cursor,
    actor: User,
    now: datetime,
    incident: dict,
    member: dict,
    start: datetime,
    end: datetime,
    rules: Rules,
    subject: dict,
    dept_id: int,
    reduced: str = "",
) -> bool:
    """One automatic request (origin Interna) for a contract that asked for none; the
    idempotency key (incident, contract) makes a second close create nothing. `reduced` says
    why the period is shorter than the incident's (pt-BR), if it is."""
    contract = {"id": member["contract_id"]}
    fee = Decimal(member["monthly_fee"])
    calc = calculate_discount(fee, start, end, rules.default_method, min_minutes=rules.min_minutes)
    reason = int(incident["reason"])
    occurred = start.astimezone(TZ).date()
    key = AUTO_KEY.format(incident=incident["id"], contract=contract["id"])
    message = "\n".join(
        [
            f"Descrição: {REASONS[reason].label} — {incident['title']}",
            f"Data ocorrido: {fmt.day(occurred)}",
            f"Hora da abertura do chamado: {fmt.day_time(now)}",
            RETURN_LINE + fmt.day_time(end),
            f"Período para dar desconto: {fmt.day_time(start)} a {fmt.day_time(end)} "
            f"({calc.duration_text}; {fmt.brl(calc.amount)})",
            "Protocolo OPA: — (ressarcimento automático, sem contato do cliente)",
            "",
            f"Criado automaticamente no encerramento do incidente #{incident['id']}.",
        ]
    )
    ticket_id = insert_new_ticket(
        cur,
        actor,
        now,
        key,
        subject_id=subject["id"],
        subject_description=subject["description"] or DISCOUNT_SUBJECT,
        department_id=dept_id,
        customer_id=member["customer_id"],
        login_id=member["login_id"],
        contract_id=contract["id"],
        address_origin="L",
        address=member.get("address"),
        latitude=member.get("latitude"),
        longitude=member.get("longitude"),
        origin="I",
        message=message,
        extras=TicketExtras(),
    )
    if ticket_id is None:
        return False
    inc.insert_incident_request(
        cur,
        {
            "incident_id": incident["id"],
            "automatic": True,
            "ticket_id": ticket_id,
            "contract_id": contract["id"],
            "reason": reason,
            "reason_details": json.dumps(
                {"incident_id": incident["id"], "incidente": incident["title"], "automatico": True},
                ensure_ascii=False,
            ),
            "description": incident["title"],
            "occurred_on": occurred,
            "opened_at": now,
            "incident_started_at": start,
            "signal_returned_at": end,
            "method": rules.default_method,
            "monthly_fee": fee,
            "minutes": calc.minutes,
            "counted_units": calc.counted_units,
            "computed_amount": calc.amount,
            "decision": Decision.PENDENTE.value,
            "opa_protocol": "",
            "deadline": compensation_deadline(occurred, rules.deadline_days),
        },
    )
    after_open(
        cur,
        actor,
        now,
        ticket_id,
        TicketExtras(),
        note=(
            f"Pedido automático do incidente #{incident['id']} (ressarcimento sem pedido do "
            f"cliente). {calc.formula}" + (f" {reduced}" if reduced else "")
        ),
    )
    return True


def close_incident(
    store: Store,
    actor: User,
    incident_id: int,
    ended_at: datetime | None,
    expected_version: int,
    now: datetime | None = None,
) -> CloseResult:
    """Close the incident at `ended_at`: record the signal's return on every linked request
    still waiting and compute its value, and, with automatic compensation on, create a request
    for every affected contract without one. One transaction: all or nothing. A second close
    (double click, a stale tab) is refused with who closed it and when."""
    require(actor, Perm.MANAGE_INCIDENTS)
    now = now or clock_now()
    try:
        with store.transaction() as cur:
            incident = _load(cur, incident_id, expected_version)
            if incident["ended_at"] is not None:
                raise _stale(cur, incident)
            end = _check_time("Fim do incidente", ended_at, now)
            start = incident["started_at"]
            if end <= start:
                raise DomainError(
                    f"Fim do incidente: deve ser depois do início ({fmt.day_time(start)})."
                )
            if not inc.update_incident(
                cur,
                incident_id,
                expected_version,
                {"ended_at": end, "closed_by": actor.id, "closed_at": now},
            ):
                raise _stale(cur, incident)
            rules = Rules.from_settings(cat.settings(cur))
            members = inc.members(cur, incident_id)
            contract_ids = sorted(
                {m["contract_id"] for m in members if m["contract_id"] is not None}
            )
            live = inc.live_requests_of_contracts(cur, contract_ids)
            linked = inc.linked_requests(cur, incident_id)
            returned = 0
            for req in linked:
                if req["decision"] != Decision.AGUARDANDO_RETORNO.value:
                    continue
                taken = [
                    (o["start"], o["end"])
                    for o in live
                    if o["contract_id"] == req["contract_id"]
                    and o["ticket_id"] != req["ticket_id"]
                    and o["decision"] != Decision.AGUARDANDO_RETORNO.value
                ]
                _record_return(cur, actor, now, req, end, rules, incident_id, taken)
                returned += 1
            created = covered = individual = 0
            if rules.incident_auto_compensation:
                subject = cat.find_item(cur, "subject", DISCOUNT_SUBJECT)
                dept_id = cat.department_id(cur, FINANCE_DEPARTMENT)
                if subject is None or dept_id is None:
                    raise DomainError(
                        "O assunto DESCONTO EM FATURA ou o departamento FINANCEIRO não está "
                        "cadastrado: sem eles não há como criar os pedidos automáticos."
                    )
                has_linked = {r["contract_id"] for r in linked if r["decision"] != "cancelado"}
                by_contract: dict[int, dict] = {}
                for m in members:
                    if m["contract_id"] is not None:
                        by_contract.setdefault(m["contract_id"], m)
                for contract_id, m in sorted(by_contract.items()):
                    if contract_id in has_linked:
                        continue
                    others = [
                        o
                        for o in live
                        if o["contract_id"] == contract_id and o["start"] < end and o["end"] > start
                    ]
                    if any(o["incident_id"] is None for o in others):
                        individual += (
                            1  # the customer asked on their own: merge it, not a second one
                        )
                        continue
                    piece = longest(
                        free_pieces(start, end, [(o["start"], o["end"]) for o in others])
                    )
                    if piece is None:
                        covered += 1
                        continue
                    reduced = ""
                    if piece != (start, end):
                        reduced = (
                            f"Período reduzido a {fmt.day_time(piece[0])}–{fmt.day_time(piece[1])}: "
                            "o restante do incidente já é compensado por outro desconto deste "
                            "contrato ("
                            + ", ".join(f"#{o['ticket_id']}" for o in others)
                            + "), e dois incidentes não compensam o mesmo minuto."
                        )
                    if _create_automatic(
                        cur, actor, now, incident, m, *piece, rules, subject, dept_id, reduced
                    ):
                        created += 1
            note = (
                f"Fim: {fmt.day_time(end)} ({fmt.duration((end - start) // timedelta(minutes=1))})."
            )
            note += f" Retorno do sinal registrado em {returned} pedido(s) vinculado(s)."
            if rules.incident_auto_compensation:
                note += f" Pedidos automáticos criados: {created}."
                if covered:
                    note += f" {covered} contrato(s) já tinham desconto cobrindo todo o período."
                if individual:
                    note += (
                        f" {individual} contrato(s) têm pedido individual sobreposto: incorpore-os "
                        "ao incidente."
                    )
            inc.add_event(cur, incident_id, now, actor.id, "encerrar", note)
    except StaleState:
        # another close won the race: say who closed it, and when
        with store.read() as cur:
            now_incident = inc.get_incident(cur, incident_id)
            if now_incident is None or now_incident["ended_at"] is None:
                raise
            raise _stale(cur, now_incident) from None
    return CloseResult(
        incident_id,
        returned,
        created,
        covered,
        individual,
        f"Incidente #{incident_id} encerrado. {note}",
    )


# --- reading ----------------------------------------------------------------------------------


__all__ = ["Proposal", "proposals_for_login"]


def list_incidents(store: Store, actor: User) -> list[dict]:
    require(actor, Perm.VIEW_INCIDENTS)
    with store.read() as cur:
        return inc.list_incidents(cur)


@dataclass(frozen=True)
class IncidentView:
    incident: dict
    scope: list[str]
    members: list[dict]
    requests: list[dict]
    events: list[dict]
    overlaps: list[dict]  # individual requests overlapping the window, not linked

    @property
    def customers(self) -> int:
        return len({m["customer_id"] for m in self.members})

    @property
    def contracts(self) -> int:
        return len({m["contract_id"] for m in self.members if m["contract_id"] is not None})

    @property
    def live_requests(self) -> list[dict]:
        return [r for r in self.requests if r["decision"] not in ("cancelado", "reprovado")]

    def money(self) -> dict[str, Decimal]:
        live = self.live_requests
        return {
            "computed": sum((Decimal(r["computed_amount"] or 0) for r in live), Decimal(0)),
            "approved": sum(
                (
                    Decimal(r["approved_amount"] or 0)
                    for r in live
                    if r["decision"] in ("aprovado", "aplicado")
                ),
                Decimal(0),
            ),
            "applied": sum(
                (Decimal(r["approved_amount"] or 0) for r in live if r["decision"] == "aplicado"),
                Decimal(0),
            ),
        }

    @property
    def received(self) -> list[dict]:
        """The live requests customers made (not those the close created)."""
        return [r for r in self.live_requests if not r["automatic"]]

    @property
    def automatic(self) -> list[dict]:
        return [r for r in self.live_requests if r["automatic"]]

    def not_asked(self) -> list[dict]:
        """Affected logins whose customer has not asked: no request of their own for the
        contract, linked or individual and overlapping (one the close created automatically
        is not asking). Each with `automatic`: whether such a request covers it."""
        asked = {r["contract_id"] for r in self.received} | {
            o["contract_id"] for o in self.overlaps
        }
        covered = {r["contract_id"] for r in self.automatic}
        return [
            {**m, "automatic": m["contract_id"] in covered}
            for m in self.members
            if m["contract_id"] not in asked
        ]


def incident_view(store: Store, actor: User, incident_id: int) -> IncidentView:
    require(actor, Perm.VIEW_INCIDENTS)
    with store.read() as cur:
        incident = _load(cur, incident_id, None)
        members = inc.members(cur, incident_id)
        contract_ids = sorted({m["contract_id"] for m in members if m["contract_id"] is not None})
        end = incident["ended_at"] or clock_now()
        overlaps = [
            o
            for o in inc.live_requests_of_contracts(cur, contract_ids)
            if o["incident_id"] is None and o["start"] < end and o["end"] > incident["started_at"]
        ]
        return IncidentView(
            incident,
            inc.scope_values(cur, incident_id),
            members,
            inc.linked_requests(cur, incident_id),
            inc.events(cur, incident_id),
            overlaps,
        )


def scope_options(store: Store, actor: User, kind: str) -> list[str]:
    require(actor, Perm.VIEW_INCIDENTS)
    if kind not in ("bairro", "cto"):
        return []
    with store.read() as cur:
        return inc.scope_options(cur, kind)


def monthly_stats(store: Store, actor: User) -> list[dict]:
    require(actor, Perm.VIEW_INCIDENTS)
    with store.read() as cur:
        return inc.monthly_stats(cur)


# --- overlap: merge an individual request into the incident -----------------------------------


def merge_request(
    store: Store,
    actor: User,
    incident_id: int,
    ticket_id: int,
    *,
    expected_status: str,
    expected_decision: str,
    now: datetime | None = None,
) -> str:
    """An individual request of an affected contract overlapping the incident's window
    becomes the incident's: when the incident already has a request for that contract, the
    individual one is cancelled into it; otherwise it is linked, takes the incident's start
    and, once the incident is closed, its end (and the value is computed again). Only a
    request finance has not approved yet may merge."""
    require(actor, Perm.VIEW_INCIDENTS)
    require(actor, Action.CANCELAR)
    now = now or clock_now()
    with store.transaction() as cur:
        incident = _load(cur, incident_id, None)
        ticket, discount = load_shown(cur, ticket_id, expected_status, expected_decision)
        if discount is None:
            raise DomainError("Este atendimento não é um pedido de desconto.")
        if discount["incident_id"] is not None:
            raise DomainError(
                f"O pedido #{ticket_id} já é do incidente #{discount['incident_id']}."
            )
        if discount["decision"] not in (
            Decision.AGUARDANDO_RETORNO.value,
            Decision.PENDENTE.value,
        ):
            raise DomainError(
                f"O pedido #{ticket_id} já está {Decision(discount['decision']).label.lower()}: "
                "só um pedido ainda não aprovado pode ser incorporado."
            )
        members = {m["contract_id"] for m in inc.members(cur, incident_id)}
        if discount["contract_id"] not in members:
            raise DomainError(
                f"O contrato do pedido #{ticket_id} não está na abrangência do incidente."
            )
        twin = next(
            (
                r
                for r in inc.linked_requests(cur, incident_id)
                if r["contract_id"] == discount["contract_id"]
                and r["decision"] not in ("cancelado", "reprovado")
            ),
            None,
        )
        if twin is not None:
            decided = decide(cur, ticket, discount, Action.CANCELAR, {})
            note = (
                f"Incorporado ao pedido #{twin['ticket_id']} (protocolo {twin['protocol']}) do "
                f"incidente #{incident_id}, que já compensa este período."
            )
            move(cur, actor, now, ticket, Action.CANCELAR, note, **decided)
            inc.add_event(
                cur,
                incident_id,
                now,
                actor.id,
                "incorporar",
                f"Pedido #{ticket_id} cancelado e incorporado ao pedido #{twin['ticket_id']}.",
            )
            return note
        start = incident["started_at"]
        changes: dict[str, Any] = {"incident_id": incident_id, "incident_started_at": start}
        opened = discount["opened_at"]
        period_start = interruption_start(opened, start)
        note = f"Incorporado ao incidente #{incident_id}: início {fmt.day_time(period_start)}"
        # the period ends at the incident's end once it closed; while it is open, at the
        # customer's own return when that is already recorded
        closed = incident["ended_at"] is not None
        end = incident["ended_at"] if closed else discount["signal_returned_at"]
        if end is not None:
            rules = Rules.from_settings(cat.settings(cur))
            calc = calculate_discount(
                Decimal(discount["monthly_fee"]),
                period_start,
                end,
                discount["method"],
                min_minutes=rules.min_minutes,
            )
            changes.update(
                minutes=calc.minutes,
                counted_units=calc.counted_units,
                computed_amount=calc.amount,
                reason=incident["reason"],
            )
            if closed:
                changes["signal_returned_at"] = end
                note += f", fim {fmt.day_time(end)}. {calc.formula}"
            else:
                note += f", fim {fmt.day_time(end)} (retorno já registrado). {calc.formula}"
        else:
            changes["reason"] = incident["reason"]
            note += "; o fim virá do encerramento do incidente."
        movement: dict[str, Any] = {}
        if (
            discount["decision"] == Decision.AGUARDANDO_RETORNO.value
            and "computed_amount" in changes
        ):
            movement = decide(cur, ticket, discount, Action.RETORNO_SINAL, changes)
            kind = Action.RETORNO_SINAL
        else:
            if not tk.update_discount(cur, ticket_id, discount["decision"], changes):
                raise StaleState("O pedido mudou enquanto você olhava. Recarregue.")
            kind = Action.MENSAGEM
        move(cur, actor, now, ticket, kind, note, **movement)
        inc.add_event(cur, incident_id, now, actor.id, "incorporar", f"Pedido #{ticket_id}.")
        return note


# --- bulk decision ----------------------------------------------------------------------------


def approve_all(
    store: Store,
    actor: User,
    incident_id: int,
    items: list[tuple[int, str, str, str]],
    on_progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> list[Any]:
    """Approve the incident's pending requests shown on screen ((ticket id, protocol, status,
    decision) each): a request still Novo or Pendente is assumed first, then approved at its computed
    value, each its own use-case call bound to what the screen showed (lib.usecases.finance
    rules: above the fee limit only a supervisor, above the confirmation limit never in bulk).
    Returns bulk_actions.Outcome per request."""
    require(actor, Perm.VIEW_INCIDENTS)
    require(actor, Action.APROVAR)
    now = now or clock_now()
    prepared: list[tuple[int, str, str, str]] = []
    refused: list[Any] = []
    for ticket_id, protocol, status, decision in items:
        if status in (Status.NOVO.value, Status.PENDENTE.value) and (
            decision == Decision.PENDENTE.value
        ):
            try:
                ticket_actions.assume(
                    store, actor, ticket_id, expected_status=status, expected_decision=decision
                )
                status = Status.EM_PROGRESSO.value
            except DomainError as exc:
                refused.append(bulk_actions.Outcome(ticket_id, protocol, False, str(exc)))
                continue
        prepared.append((ticket_id, protocol, status, decision))
    outcomes = refused + bulk_actions.run_bulk(
        store, actor, Action.APROVAR, prepared, on_progress=on_progress
    )
    ok = sum(o.ok for o in outcomes)
    with store.transaction() as cur:
        inc.add_event(
            cur,
            incident_id,
            now,
            actor.id,
            "aprovar_lote",
            f"{ok} aprovado(s), {len(outcomes) - ok} recusado(s).",
        )
    return outcomes

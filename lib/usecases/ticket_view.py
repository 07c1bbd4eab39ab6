"""What a ticket's detail panel shows: its fields, its discount block and history as pt-BR
text, and which actions the user's role may take on it in its current state (the actions
themselves are the use-cases of ticket_actions and finance).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pandas as pd

from lib import fmt
from lib.auth import User, can
from lib.discount import METHODS, CalculationError, Rules, calculate_discount, interruption_start
from lib.domain import (
    ADDRESS_ORIGIN_LABELS,
    BEST_TIME_LABELS,
    DECISION_LABELS,
    DECISION_TRANSITIONS,
    DISCOUNT_SUBJECT,
    FINANCE_DEPARTMENT,
    OPEN_DECISIONS,
    ORIGIN_LABELS,
    PENDING_INTERACTION_LABELS,
    PRIORITY_LABELS,
    REASONS,
    STATUS_LABELS,
    TICKET_TRANSITIONS,
    Action,
    Decision,
    Status,
    movement_label,
)
from lib.store import Store
from lib.store import catalog as cat

# In the order the detail panel shows them: the decisions a queue is worked through come
# first, so they sit in view without scrolling; the rarer actions follow.
SHOWN_ACTIONS = (
    Action.ASSUMIR,
    Action.RETORNO_SINAL,
    Action.APROVAR,
    Action.REPROVAR,
    Action.APLICAR,
    Action.SOLUCIONAR,
    Action.PENDENCIAR,
    Action.MENSAGEM,
    Action.ENCAMINHAR,
    Action.DESFAZER_APLICACAO,
    Action.CANCELAR,
)
DISCOUNT_ONLY = {
    Action.RETORNO_SINAL,
    Action.APROVAR,
    Action.REPROVAR,
    Action.APLICAR,
    Action.DESFAZER_APLICACAO,
}
# Discount tickets are solved by applying or rejecting the discount, never by hand.
NOT_FOR_DISCOUNT = {Action.SOLUCIONAR}


def available_actions(user: User, ticket: dict, discount: dict | None) -> list[Action]:
    """The actions this user's role may take on this ticket in its current state."""
    is_discount = ticket.get("subject") == DISCOUNT_SUBJECT
    status = Status(ticket["status"])
    out = []
    for action in SHOWN_ACTIONS:
        if not can(user, action, discount_ticket=is_discount):
            continue
        allowed, _ = TICKET_TRANSITIONS[action]
        if status not in allowed:
            continue
        if action in DISCOUNT_ONLY and discount is None:
            continue
        if action in NOT_FOR_DISCOUNT and discount is not None:
            continue
        if discount is not None and action in DECISION_TRANSITIONS:
            if Decision(discount["decision"]) not in DECISION_TRANSITIONS[action][0]:
                continue
        if action == Action.ENCAMINHAR and not may_forward(ticket, discount):
            continue
        out.append(action)
    return out


def may_forward(ticket: dict, discount: dict | None) -> bool:
    """A discount request with an open decision stays in FINANCEIRO: it may only be forwarded
    back there (ticket_actions.forward refuses the rest)."""
    if discount is None or discount["decision"] not in OPEN_DECISIONS:
        return True
    return ticket.get("department") != FINANCE_DEPARTMENT


def forward_targets(ticket: dict, discount: dict | None, departments: dict[int, str]) -> list[int]:
    """The departments (id -> name) this ticket may be forwarded to."""
    out = [d for d in departments if d != ticket["department_id"]]
    if discount is not None and discount["decision"] in OPEN_DECISIONS:
        out = [d for d in out if departments[d] == FINANCE_DEPARTMENT]
    return out


def ticket_fields(ticket: dict) -> list[tuple[str, str]]:
    """Every field of the ticket, labelled as IXC labels them, as pt-BR text."""

    def who_when(at: datetime | None, name: str | None = None) -> str:
        if at is None:
            return "—"
        return fmt.day_time(at) + (f" por {name}" if name else "")

    lat, lon = ticket["latitude"], ticket["longitude"]
    contract = (
        f"{ticket['contract_id']} — {ticket['plan']} ({fmt.brl(ticket['contract_fee'])}, "
        f"vence dia {ticket['due_day']})"
        if ticket["contract_id"]
        else "—"
    )
    return [
        ("ID", str(ticket["id"])),
        ("Protocolo", ticket["protocol"]),
        ("Status", STATUS_LABELS[Status(ticket["status"])]),
        ("Status complementar", ticket["complementary_status"] or "—"),
        (
            "Cliente",
            f"{ticket['customer']} ({fmt.document(ticket['cpf_cnpj'])})"
            if ticket["customer"]
            else "—",
        ),
        ("Login", ticket["login"] or "—"),
        ("Contrato", contract),
        ("Assunto", ticket["subject"]),
        ("Descrição do assunto", ticket["subject_description"] or "—"),
        ("Departamento", ticket["department"]),
        ("Responsável", ticket["responsible"] or "—"),
        ("Prioridade", PRIORITY_LABELS.get(ticket["priority"], ticket["priority"])),
        ("Origem do endereço", ADDRESS_ORIGIN_LABELS.get(ticket["address_origin"], "—")),
        ("Endereço", ticket["address"] or "—"),
        (
            "Latitude / Longitude",
            f"{fmt.number(lat, 6)} / {fmt.number(lon, 6)}"
            if lat is not None and lon is not None
            else "—",
        ),
        ("Processo", ticket["process"] or "—"),
        ("Data reservada", fmt.day(ticket["reserved_date"]) or "—"),
        ("Melhor horário", BEST_TIME_LABELS.get(ticket["best_time"], "—")),
        ("Origem", ORIGIN_LABELS.get(ticket["origin"], ticket["origin"])),
        ("Resposta padrão", ticket["canned_response"] or "—"),
        ("Interação pendente", PENDING_INTERACTION_LABELS.get(ticket["pending_interaction"], "—")),
        ("Aberto em", who_when(ticket["opened_at"], ticket["opened_by_name"])),
        ("Assumido em", who_when(ticket["assumed_at"])),
        ("Encerrado em", who_when(ticket["closed_at"])),
        ("Atualizado em", who_when(ticket["updated_at"])),
    ]


def history_rows(history: list[dict]) -> pd.DataFrame:
    """The movements, newest first: who, when, the ticket status's from -> to (and the
    department's), the discount decision's from -> to ("Decisão", only when some movement
    changed it), and the note."""

    def label(code: str | None) -> str:
        return STATUS_LABELS[Status(code)] if code else "—"

    def decision(code: str | None) -> str:
        return DECISION_LABELS[Decision(code)] if code else "—"

    out = []
    for m in history:
        change = f"{label(m['from_status'])} → {label(m['to_status'])}"
        if m["to_department"]:
            change += f" ({m['from_department']} → {m['to_department']})"
        decided = ""
        if m.get("from_decision") or m.get("to_decision"):
            decided = f"{decision(m['from_decision'])} → {decision(m['to_decision'])}"
        out.append(
            {
                "Quando": fmt.day_time(m["created_at"]),
                "Quem": m["staff"] or "—",
                "Ação": movement_label(m["kind"]),
                "De → Para": change,
                "Decisão": decided,
                "Observação": m["note"],
            }
        )
    columns = ["Quando", "Quem", "Ação", "De → Para", "Decisão", "Observação"]
    if not any(row["Decisão"] for row in out):  # tickets of other subjects have no decision
        columns.remove("Decisão")
    return pd.DataFrame(out, columns=columns)


def discount_view(store: Store, discount: dict) -> dict[str, str]:
    """The discount block: inputs, method, formula, amounts and invoice, as pt-BR text."""
    with store.read() as cur:
        rules = Rules.from_settings(cat.settings(cur))
    start = interruption_start(discount["opened_at"], discount["incident_started_at"])
    end = discount["signal_returned_at"]
    formula = "Aguardando o retorno do sinal para calcular."
    if end is not None:
        try:
            formula = calculate_discount(
                Decimal(discount["monthly_fee"]),
                start,
                end,
                discount["method"],
                min_minutes=rules.min_minutes,
            ).formula
        except CalculationError as exc:
            formula = str(exc)
    method = METHODS.get(discount["method"])
    return {
        "Motivo": f"{discount['reason']} — {REASONS[discount['reason']].label}",
        "Descrição": discount["description"] or "—",
        "Data ocorrido": fmt.day(discount["occurred_on"]),
        "Abertura do chamado": fmt.day_time(discount["opened_at"]),
        "Início do incidente": fmt.day_time(discount["incident_started_at"]) or "—",
        "Retorno do sinal": fmt.day_time(end) or "ainda não retornou",
        "Duração": fmt.duration(discount["minutes"]) or "—",
        "Mensalidade": fmt.brl(discount["monthly_fee"]),
        "Método": method.label if method else discount["method"],
        "Fórmula": formula,
        "Valor calculado": fmt.brl(discount["computed_amount"]) or "—",
        "Valor aprovado": fmt.brl(discount["approved_amount"]) or "—",
        "Motivo do ajuste": discount["adjustment_reason"] or "—",
        "Decisão": DECISION_LABELS[Decision(discount["decision"])],
        "Motivo da decisão": discount["decision_reason"] or "—",
        "Decidido por": (
            f"{discount['decided_by_name']} em {fmt.day_time(discount['decided_at'])}"
            if discount["decided_by_name"]
            else "—"
        ),
        "Fatura (vencimento)": fmt.day(discount["invoice_due_date"]) or "—",
        "Fatura (número)": discount.get("invoice_number") or "—",
        "Aplicado por": (
            f"{discount['applied_by_name']} em {fmt.day_time(discount['applied_at'])}"
            if discount["applied_by_name"]
            else "—"
        ),
        "Protocolo OPA": discount["opa_protocol"],
        "Prazo (90 dias)": fmt.day(discount["deadline"]),
        "Ressalvas ao registrar": discount.get("exception_note") or "—",  # migration 041
        # migration 080 (issue 15): the incident the request belongs to, and whether the
        # incident's close created it (automatic compensation)
        "Incidente": f"#{discount['incident_id']}" if discount.get("incident_id") else "—",
        "Pedido automático": "Sim (ressarcimento sem pedido do cliente)"
        if discount.get("automatic")
        else "Não",
    }

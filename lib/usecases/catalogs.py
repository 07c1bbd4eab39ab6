"""The lists supervisors keep for the ticket forms: subjects, departments, canned responses,
processes and complementary statuses. Each can be created, edited and switched off; a switched-off
item leaves the forms' choices but stays on the tickets that already use it (tickets keep its id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lib.auth import Perm, User, require
from lib.domain import DISCOUNT_SUBJECT, FINANCE_DEPARTMENT, PRIORITY_LABELS, DomainError, NotFound
from lib.store import Cursor, Store, retrying
from lib.store import catalog as cat
from lib.usecases import audit


@dataclass(frozen=True)
class ListInfo:
    table: str
    title: str  # plural, for the page
    singular: str  # for messages: "o assunto", "a resposta padrão"
    key: str  # the field that names an item
    key_label: str


LISTS: dict[str, ListInfo] = {
    "subject": ListInfo("subject", "Assuntos", "o assunto", "name", "Nome"),
    "department": ListInfo("department", "Departamentos", "o departamento", "name", "Nome"),
    "canned_response": ListInfo(
        "canned_response", "Respostas padrão", "a resposta padrão", "title", "Título"
    ),
    "process": ListInfo("process", "Processos", "o processo", "name", "Nome"),
    "complementary_status": ListInfo(
        "complementary_status", "Status complementares", "o status complementar", "name", "Nome"
    ),
}

FIELD_LABELS = {
    "name": "Nome",
    "title": "Título",
    "body": "Mensagem",
    "description": "Descrição",
    "department_id": "Departamento padrão (id)",
    "priority": "Prioridade padrão",
    "login_required": "Exige login",
    "active": "ativo",
}

# Items the discount request relies on by name: they may not be renamed or switched off.
_PROTECTED = {"subject": DISCOUNT_SUBJECT, "department": FINANCE_DEPARTMENT}


def _info(table: str) -> ListInfo:
    if table not in LISTS:
        raise DomainError("Lista desconhecida.")
    return LISTS[table]


def list_all(store: Store, actor: User, table: str) -> list[dict]:
    """Every item of the list, switched off ones included."""
    require(actor, Perm.MANAGE_SETTINGS)
    info = _info(table)
    with store.read() as cur:
        return cat.list_items(cur, info.table)


def _clean(cur: Cursor, info: ListInfo, values: dict[str, Any], item_id: int | None) -> dict:
    """Validate and normalise the editable fields of an item (pt-BR errors name the field)."""
    allowed = set(cat.LISTS[info.table]) - {"active"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"{info.table}: {sorted(unknown)}")
    out: dict[str, Any] = {}
    name = str(values.get(info.key) or "").strip()
    if not name:
        raise DomainError(f"{info.key_label}: informe o {info.key_label.lower()}.")
    if len(name) > 80:
        raise DomainError(f"{info.key_label}: use no máximo 80 caracteres.")
    if cat.name_taken(cur, info.table, name, item_id):
        raise DomainError(f"{info.key_label}: já existe {info.singular} {name}.")
    out[info.key] = name
    if info.table == "canned_response":
        body = str(values.get("body") or "").strip()
        if not body:
            raise DomainError("Mensagem: escreva o texto que o cliente vai ler.")
        out["body"] = body
    if info.table in ("subject", "process"):
        out["description"] = str(values.get("description") or "").strip()
    if info.table == "subject":
        if not out["description"]:
            raise DomainError(
                "Descrição padrão: escreva a descrição que o assunto traz para o atendimento."
            )
        dept_id = values.get("department_id")
        if dept_id is None:
            raise DomainError("Departamento padrão: escolha o departamento do assunto.")
        dept = cat.get_item(cur, "department", dept_id)
        if dept is None or not dept["active"]:
            raise DomainError("Departamento padrão: escolha um departamento ativo.")
        out["department_id"] = dept["id"]
        priority = values.get("priority") or "M"
        if priority not in PRIORITY_LABELS:
            raise DomainError("Prioridade padrão: escolha Baixa, Normal, Alta ou Crítica.")
        out["priority"] = priority
        out["login_required"] = bool(values.get("login_required"))
    return out


@retrying
def create(store: Store, actor: User, table: str, values: dict[str, Any]) -> int:
    """Add an item (active). Returns its id."""
    require(actor, Perm.MANAGE_SETTINGS)
    info = _info(table)
    with store.transaction() as cur:
        clean = _clean(cur, info, values, None)
        item_id = cat.insert_item(cur, info.table, clean)
        audit.record(
            cur, actor, "cadastro_criado", _target(info, clean[info.key]), new=_describe(clean)
        )
        return item_id


def _load(cur: Cursor, info: ListInfo, item_id: int) -> dict:
    item = cat.get_item(cur, info.table, item_id)
    if item is None:
        raise NotFound(f"Não encontrei {info.singular} #{item_id}.")
    return item


@retrying
def edit(store: Store, actor: User, table: str, item_id: int, values: dict[str, Any]) -> None:
    require(actor, Perm.MANAGE_SETTINGS)
    info = _info(table)
    with store.transaction() as cur:
        item = _load(cur, info, item_id)
        clean = _clean(cur, info, {**_editable(info, item), **values}, item_id)
        protected = _PROTECTED.get(info.table)
        if protected and item[info.key] == protected and clean[info.key] != protected:
            raise DomainError(
                f"{info.key_label}: {protected} é usado pelo pedido de desconto em fatura e "
                "não pode ser renomeado."
            )
        cat.update_item(cur, info.table, item_id, clean)
        target = _target(info, item[info.key])
        for key, value in clean.items():
            if item.get(key) != value:
                audit.record(
                    cur,
                    actor,
                    "cadastro_alterado",
                    target,
                    field=FIELD_LABELS.get(key, key),
                    old=item.get(key),
                    new=value,
                )


def _target(info: ListInfo, name: str) -> str:
    """How an entry names an item: "assunto LENTIDÃO" ("o assunto" without its article)."""
    return f"{info.singular.split(' ', 1)[1]} {name}"


def _describe(values: dict[str, Any]) -> str:
    return "; ".join(f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in values.items())


def _editable(info: ListInfo, item: dict) -> dict:
    return {k: item[k] for k in cat.LISTS[info.table] if k != "active"}


@retrying
def set_active(store: Store, actor: User, table: str, item_id: int, active: bool) -> str:
    """Switch an item off (or on again). Returns a pt-BR confirmation."""
    require(actor, Perm.MANAGE_SETTINGS)
    info = _info(table)
    with store.transaction() as cur:
        item = _load(cur, info, item_id)
        name = item[info.key]
        if not active:
            if _PROTECTED.get(info.table) == name:
                raise DomainError(
                    f"{name} é usado pelo pedido de desconto em fatura e não pode ser desligado."
                )
            if info.table == "department":
                using = cat.subjects_using_department(cur, item_id)
                if using:
                    raise DomainError(
                        f"O departamento {name} é o padrão dos assuntos ativos "
                        f"{', '.join(using)}: mude o departamento deles ou desligue-os antes."
                    )
        elif info.table == "subject":
            dept = cat.get_item(cur, "department", item["department_id"])
            if dept is None or not dept["active"]:
                raise DomainError(
                    f"O departamento padrão de {name} está desligado: religue-o ou escolha "
                    "outro antes de religar o assunto."
                )
        if bool(item["active"]) != bool(active):
            cat.update_item(cur, info.table, item_id, {"active": bool(active)})
            audit.record(
                cur,
                actor,
                "cadastro_religado" if active else "cadastro_desligado",
                _target(info, name),
                field="ativo",
                old=bool(item["active"]),
                new=bool(active),
            )
    return f"{name} {'religado' if active else 'desligado'}."

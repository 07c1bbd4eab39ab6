"""Customers, contracts and logins from IXC Soft: from its exported listings (`cliente`,
`cliente_contrato`, `radusuarios`, CSV or XLSX) or from its API (lib.usecases.ixc_sync).

Every row is checked and reported: created, updated, unchanged or refused, and why. A dry run
is the real import inside a transaction that is rolled back, so it reports exactly what the
real run will do (a contract whose customer is in the customers' file of the same run is
accepted). The real run writes one file per transaction: a file is imported whole (its
refused rows left out and listed) or not at all. Rows are keyed by the IXC id: running an
import again updates what changed and creates nothing twice.

The column mapping (README, "Importing from IXC") is COLUMNS below.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from lib import fmt
from lib.auth import Perm, User, require
from lib.documents import check_cpf_cnpj, digits
from lib.domain import DomainError
from lib.domain import now as clock_now
from lib.ixc_files import Table, read_table
from lib.store import Cursor, Store
from lib.store import ixc as store_ixc

KINDS = ("cliente", "cliente_contrato", "radusuarios")
KIND_LABELS = {"cliente": "Clientes", "cliente_contrato": "Contratos", "radusuarios": "Logins"}
TABLE_OF = {"cliente": "customer", "cliente_contrato": "contract", "radusuarios": "login"}
# The IXC columns each listing must have (the rest are optional).
REQUIRED = {
    "cliente": ("id", "razao", "cnpj_cpf"),
    "cliente_contrato": ("id", "id_cliente"),
    "radusuarios": ("id", "login", "id_cliente"),
}
# Where the fee and the due day of a contract come from: IXC's listings name them differently
# depending on the report, so the first column present wins.
FEE_COLUMNS = ("valor_unitario", "valor", "valor_contrato", "valor_mensalidade")
DUE_DAY_COLUMNS = ("dia_fixo_vencimento", "dia_vencimento", "vencimento")
OUTCOMES = ("criar", "atualizar", "sem_mudanca", "recusar")
OUTCOME_LABELS = {
    "criar": "Criar",
    "atualizar": "Atualizar",
    "sem_mudanca": "Sem mudança",
    "recusar": "Recusado",
}
DONE_LABELS = {**OUTCOME_LABELS, "criar": "Criado", "atualizar": "Atualizado"}


@dataclass(frozen=True)
class RowResult:
    line: int
    ixc_id: str
    label: str  # the customer's name, the plan, the login
    outcome: str  # one of OUTCOMES
    reason: str = ""  # why refused, or what changed


@dataclass
class FileResult:
    kind: str
    file_name: str
    rows: list[RowResult] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.outcome for r in self.rows)
        return {o: found.get(o, 0) for o in OUTCOMES}


@dataclass(frozen=True)
class Source:
    """One listing to import: its kind (an IXC table name), a name to report and its rows."""

    kind: str
    file_name: str
    table: Table


def guess_kind(table: Table) -> str | None:
    """Which IXC listing a file is, from its columns."""
    cols = set(table.headers)
    if "login" in cols and "id_contrato" in cols:
        return "radusuarios"
    if "id_cliente" in cols:
        return "cliente_contrato"
    if "razao" in cols and "cnpj_cpf" in cols:
        return "cliente"
    return None


def load_file(kind: str, data: bytes, file_name: str) -> Source:
    """Read a listing and check it is the one expected (DomainError otherwise)."""
    if kind not in KINDS:
        raise DomainError(f"Tipo de arquivo desconhecido: {kind}.")
    table = read_table(data, file_name)
    missing = [c for c in REQUIRED[kind] if c not in table.headers]
    if missing:
        found = guess_kind(table)
        hint = f" Parece um arquivo de {KIND_LABELS[found].lower()}." if found else ""
        raise DomainError(
            f"{file_name}: faltam as colunas {', '.join(missing)} de {KIND_LABELS[kind].lower()} "
            f"do IXC ({kind}).{hint}"
        )
    return Source(kind, file_name, table)


# --- one row -------------------------------------------------------------------------------


def _ixc_id(text: str, label: str = "id") -> int:
    value = text.strip()
    if value.endswith(".0"):
        value = value[:-2]
    if not value.isdigit() or int(value) <= 0 or len(value) > 18:
        raise DomainError(f"{label} {value or '(vazio)'} inválido: use o número do IXC.")
    return int(value)


def _coord(text: str, label: str, limit: float) -> float | None:
    value = text.strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise DomainError(f"{label} {text!r} não é um número.") from None
    if number != number or abs(number) > limit:  # NaN or out of range
        raise DomainError(f"{label} {text} fora da faixa (±{limit:g}).")
    return number or None  # IXC writes 0 (or 0.000000) for "no coordinate"


def _address(row: dict[str, str]) -> str | None:
    street = row.get("endereco", "").strip()
    number = row.get("numero", "").strip()
    extra = row.get("complemento", "").strip()
    text = street
    if number:
        text = f"{text}, {number}" if text else number
    if extra:
        text = f"{text} - {extra}" if text else extra
    return text or None


def _date(text: str) -> date | None:
    value = text.strip()[:10]
    if not value or value.startswith("0000"):
        return None
    for fmt_ in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt_).date()
        except ValueError:
            continue
    raise DomainError(f"data {text!r} inválida (use dd/mm/aaaa).")


def _first(row: dict[str, str], columns: Iterable[str]) -> str | None:
    """The first of `columns` the listing has (None when it has none of them)."""
    for c in columns:
        if c in row:
            return row[c].strip()
    return None


def customer_values(row: dict[str, str]) -> dict[str, Any]:
    """Our customer from IXC's `cliente` row; DomainError (the reason) when it cannot be."""
    name = " ".join(row.get("razao", "").split())
    if not name:
        raise DomainError("razão social/nome em branco.")
    if len(name) > 200:
        raise DomainError("nome com mais de 200 caracteres.")
    doc = check_cpf_cnpj(_zeros_back(row.get("cnpj_cpf", "")))
    phones: list[str] = []
    for col in ("fone", "telefone_celular", "whatsapp", "telefone_comercial"):
        d = digits(row.get(col, ""))
        if 8 <= len(d) <= 13 and d not in phones:
            phones.append(d)
    return {
        "name": name,
        "cpf_cnpj": doc,
        "phones": ", ".join(phones) or None,
        "email": row.get("email", "").strip() or None,
        "address": _address(row),
        "neighbourhood": row.get("bairro", "").strip() or None,
        "city": row.get("cidade", "").strip() or None,
        "latitude": _coord(row.get("latitude", ""), "latitude", 90),
        "longitude": _coord(row.get("longitude", ""), "longitude", 180),
    }


def _zeros_back(text: str) -> str:
    """A CPF/CNPJ a spreadsheet kept as a number lost its leading zeros (1000000028 for
    010.000.000-28): a bare number of 9-10 or 12-13 digits gets them back. The check digits
    still decide."""
    value = text.strip()
    if value.isdigit():
        if len(value) in (9, 10):
            return value.zfill(11)
        if len(value) in (12, 13):
            return value.zfill(14)
    return value


def contract_status(status: str, internet: str) -> str:
    """Our A/S/C from IXC's contract `status` (A ativo, I inativo, P pré-contrato, N negativado,
    D desistiu) and `status_internet` (A ativo, D desativado, CM/CA bloqueio manual/automático,
    FA financeiro em atraso, AA aguardando assinatura)."""
    status, internet = status.strip().upper(), internet.strip().upper()
    if status in ("I", "D") or internet == "D":
        return "C"
    if status in ("N", "P") or internet in ("CM", "CA", "FA", "AA"):
        return "S"
    return "A"


def fee_value(text: str | None) -> Decimal:
    if text is None or not text.strip():
        raise DomainError("mensalidade em branco.")
    if text.strip().lstrip("R$ ").startswith("-"):
        raise DomainError(f"mensalidade negativa ({text.strip()}).")
    try:
        fee = fmt.parse_brl(text)
    except DomainError as exc:
        raise DomainError(f"mensalidade inválida: {exc}") from None
    assert fee is not None
    return fee


def due_day_value(text: str | None) -> int:
    value = (text or "").strip()
    if not value:
        raise DomainError("dia de vencimento em branco.")
    if not value.isdigit() or not 1 <= int(value) <= 28:
        raise DomainError(f"dia de vencimento {value} fora de 1 a 28.")
    return int(value)


@dataclass
class Index:
    """What the checks of one file look up, read once: the customers and contracts by IXC id
    (including what earlier files of the same run wrote) and the logins' usernames; updated
    as the file's rows are accepted."""

    customers: dict[int, dict]
    contracts: dict[int, dict]
    own: dict[int, dict]  # the file's own table, by IXC id
    usernames: dict[str, int | None]

    @classmethod
    def load(cls, cur: Cursor, kind: str) -> Index:
        customers = store_ixc.rows_by_ixc_id(cur, "customer")
        contracts = store_ixc.rows_by_ixc_id(cur, "contract") if kind != "cliente" else {}
        own = {"cliente": customers, "cliente_contrato": contracts}.get(kind)
        if own is None:
            own = store_ixc.rows_by_ixc_id(cur, "login")
        usernames = store_ixc.logins_by_username(cur) if kind == "radusuarios" else {}
        return cls(customers, contracts, own, usernames)


def contract_values(index: Index, row: dict[str, str]) -> dict[str, Any]:
    customer_ixc = _ixc_id(row.get("id_cliente", ""), "id_cliente")
    customer = index.customers.get(customer_ixc)
    if customer is None:
        raise DomainError(f"cliente {customer_ixc} não encontrado (importe os clientes antes).")
    plan = " ".join(row.get("contrato", "").split())
    if not plan:
        plan = f"Plano {row['id_vd_contrato']}" if row.get("id_vd_contrato") else ""
    if not plan:
        raise DomainError("plano (contrato) em branco.")
    return {
        "customer_id": customer["id"],
        "plan": plan[:200],
        "monthly_fee": fee_value(_first(row, FEE_COLUMNS)),
        "due_day": due_day_value(_first(row, DUE_DAY_COLUMNS)),
        "status": contract_status(row.get("status", ""), row.get("status_internet", "")),
        "address": _address(row),
        "latitude": _coord(row.get("latitude", ""), "latitude", 90),
        "longitude": _coord(row.get("longitude", ""), "longitude", 180),
        "started_on": _date(row.get("data_ativacao", "")),
    }


def login_values(index: Index, row: dict[str, str], ixc_id: int) -> dict[str, Any]:
    username = row.get("login", "").strip()
    if not username:
        raise DomainError("login em branco.")
    if len(username) > 100 or any(ch.isspace() for ch in username):
        raise DomainError(f"login {username!r} inválido (sem espaços, até 100 caracteres).")
    customer_ixc = _ixc_id(row.get("id_cliente", ""), "id_cliente")
    customer = index.customers.get(customer_ixc)
    if customer is None:
        raise DomainError(f"cliente {customer_ixc} não encontrado (importe os clientes antes).")
    contract_id = None
    raw_contract = row.get("id_contrato", "").strip()
    if raw_contract and raw_contract != "0":
        contract_ixc = _ixc_id(raw_contract, "id_contrato")
        contract = index.contracts.get(contract_ixc)
        if contract is None:
            raise DomainError(f"contrato {contract_ixc} não encontrado.")
        if contract["customer_id"] != customer["id"]:
            raise DomainError(
                f"o contrato {contract_ixc} pertence a outro cliente, não ao cliente "
                f"{customer_ixc}."
            )
        contract_id = contract["id"]
    key = username.lower()
    if key in index.usernames and index.usernames[key] != ixc_id:
        raise DomainError(f"o login {username} já existe em outro cadastro.")
    box = _first(row, ("id_caixa_ftth", "caixa_ftth", "cto"))
    return {
        "customer_id": customer["id"],
        "contract_id": contract_id,
        "username": username,
        "address": _address(row),
        "neighbourhood": row.get("bairro", "").strip() or None,
        "latitude": _coord(row.get("latitude", ""), "latitude", 90),
        "longitude": _coord(row.get("longitude", ""), "longitude", 180),
        "cto_box": (box or None) if box not in ("0",) else None,
    }


def _label(kind: str, row: dict[str, str]) -> str:
    if kind == "cliente":
        return row.get("razao", "")
    if kind == "cliente_contrato":
        return row.get("contrato", "")
    return row.get("login", "")


def _same(old: dict, new: dict[str, Any]) -> list[str]:
    """The columns whose value changes."""
    changed = []
    for key, value in new.items():
        before = old.get(key)
        if isinstance(value, Decimal) and before is not None:
            before = Decimal(str(before))
        if isinstance(value, float) and before is not None:
            if abs(float(before) - value) < 1e-9:
                continue
        if before != value:
            changed.append(key)
    return changed


def import_rows(
    cur: Cursor,
    kind: str,
    rows: list[dict[str, str]],
    lines: list[int],
    progress: Callable[[int, int], None] | None = None,
) -> list[RowResult]:
    """Check and write each row in `cur`'s transaction; the caller commits or rolls back."""
    table = TABLE_OF[kind]
    ids = Counter(r.get("id", "").strip() for r in rows)
    results: list[RowResult] = []
    index = Index.load(cur, kind)
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[int, dict[str, Any]]] = []
    for i, (row, line) in enumerate(zip(rows, lines, strict=True)):
        raw_id = row.get("id", "").strip()
        label = _label(kind, row)
        try:
            ixc_id = _ixc_id(raw_id)
            if ids[raw_id] > 1:
                raise DomainError(
                    f"id {ixc_id} repetido no arquivo ({ids[raw_id]} linhas): nenhuma delas foi "
                    "importada; corrija o arquivo."
                )
            if kind == "cliente":
                values = customer_values(row)
            elif kind == "cliente_contrato":
                values = contract_values(index, row)
            else:
                values = login_values(index, row, ixc_id)
                index.usernames[values["username"].lower()] = ixc_id
            current = index.own.get(ixc_id)
            if current is None:
                inserts.append({"ixc_id": ixc_id, **values})
                results.append(RowResult(line, str(ixc_id), label, "criar"))
            elif changed := _same(current, values):
                updates.append((current["id"], values))
                results.append(
                    RowResult(line, str(ixc_id), label, "atualizar", "muda " + ", ".join(changed))
                )
            else:
                results.append(RowResult(line, str(ixc_id), label, "sem_mudanca"))
        except DomainError as exc:
            results.append(RowResult(line, raw_id, label, "recusar", str(exc)))
        if progress is not None and (i % 50 == 0 or i == len(rows) - 1):
            progress(i + 1, len(rows))
    # a login renamed onto a name another login of this file frees: updates first
    store_ixc.update_many(cur, table, updates)
    store_ixc.insert_many(cur, table, inserts)
    return results


class _DryRun(Exception):
    """Raised inside the dry run's transaction so that it rolls back."""


def _order(sources: list[Source]) -> list[Source]:
    return sorted(sources, key=lambda s: KINDS.index(s.kind))


def dry_run(store: Store, actor: User | None, sources: list[Source]) -> list[FileResult]:
    """What an import of these listings would do, row by row; writes nothing."""
    if actor is not None:
        require(actor, Perm.IMPORT_CUSTOMERS)
    results: list[FileResult] = []
    try:
        with store.transaction() as cur:
            for src in _order(sources):
                results.append(_run_one(cur, src, None))
            raise _DryRun
    except _DryRun:
        pass
    return results


def _run_one(cur: Cursor, src: Source, progress: Callable[[int, int], None] | None) -> FileResult:
    out = FileResult(src.kind, src.file_name, encoding=src.table.encoding)
    out.delimiter = src.table.delimiter
    out.rows = import_rows(cur, src.kind, src.table.rows, src.table.lines, progress)
    return out


def run_import(
    store: Store,
    actor: User | None,
    sources: list[Source],
    *,
    source: str = "arquivo",
    progress: Callable[[str, int, int], None] | None = None,
    now: datetime | None = None,
) -> list[FileResult]:
    """Import the listings, customers first: each listing in its own transaction, logged in
    `ixc_import`. `progress(kind, done, total)` is called as rows go in. `actor` None is the
    command line (whoever runs it controls the store already)."""
    if actor is not None:
        require(actor, Perm.IMPORT_CUSTOMERS)
    now = now or clock_now()
    results: list[FileResult] = []
    for src in _order(sources):
        step = (lambda d, t, k=src.kind: progress(k, d, t)) if progress else None
        try:
            with store.transaction() as cur:
                result = _run_one(cur, src, step)
                store_ixc.log_run(
                    cur,
                    source=source,
                    kind=src.kind,
                    file_name=src.file_name,
                    staff_id=actor.id if actor else None,
                    started_at=now,
                    counts=result.counts,
                )
        except DomainError as exc:  # e.g. another import at the same moment: say what was kept
            kept = "; ".join(summary(r, done=True) for r in results) or "nada"
            raise type(exc)(
                f"{KIND_LABELS[src.kind]} ({src.file_name}) não foi importado: {exc} "
                f"Já gravado antes: {kept}."
            ) from exc
        results.append(result)
    return results


def summary(result: FileResult, *, done: bool = False) -> str:
    """One line of counts: what would happen (dry run) or what happened (`done`)."""
    c = result.counts
    created, updated = ("criados", "atualizados") if done else ("a criar", "a atualizar")
    return (
        f"{KIND_LABELS[result.kind]} ({result.file_name}): {c['criar']} {created}, "
        f"{c['atualizar']} {updated}, {c['sem_mudanca']} sem mudança, {c['recusar']} recusados"
    )


def recent_runs(store: Store, actor: User) -> list[dict]:
    require(actor, Perm.IMPORT_CUSTOMERS)
    with store.read() as cur:
        return store_ixc.recent_runs(cur)

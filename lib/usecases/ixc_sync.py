"""Customers, contracts and logins pulled from IXC's API (changed since the last sync), on
demand and on a schedule, through the same checks and report as the file import; and a billing
batch pushed to IXC as contract discounts.

A sync fetches every page of the three tables first and writes only then, each table in its own
transaction (lib.usecases.ixc_import.run_import): a failure while fetching (the token refused, a
timeout, a malformed page) writes nothing and says why. "Changed since" is the start of the last
sync of that table (its `ixc_import` row), compared with IXC's `ultima_atualizacao`; a first
sync takes everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from lib import fmt
from lib.auth import Perm, User, require
from lib.domain import DomainError
from lib.domain import now as clock_now
from lib.ixc_api import IxcApiError, IxcConfig, insert, list_pages
from lib.ixc_files import Table
from lib.store import Store, retrying
from lib.store import billing as bs
from lib.store import catalog as cat
from lib.store import ixc as store_ixc
from lib.usecases import audit
from lib.usecases import ixc_import as imp

EVERY_KEY = "ixc_sync_every_min"
MAX_EVERY_MIN = 7 * 24 * 60


def fetch(cfg: IxcConfig, store: Store, *, full: bool = False) -> list[imp.Source]:
    """Every row changed since each table's last sync (all rows with `full`)."""
    sources = []
    for kind in imp.KINDS:
        since = None
        if not full:
            with store.read() as cur:
                since = store_ixc.last_sync(cur, kind)
        rows = [row for page in list_pages(cfg, kind, changed_since=since) for row in page]
        headers = sorted({k for r in rows for k in r})
        table = Table(headers, rows, list(range(1, len(rows) + 1)), encoding="api")
        sources.append(imp.Source(kind, "API", table))
    return sources


def sync(
    store: Store,
    actor: User | None,
    cfg: IxcConfig | None,
    *,
    dry_run: bool = False,
    full: bool = False,
    now: datetime | None = None,
) -> list[imp.FileResult]:
    """Pull and import (or only simulate, `dry_run`). `actor` None is the scheduler."""
    if actor is not None:
        require(actor, Perm.IMPORT_CUSTOMERS)
    if cfg is None:
        raise IxcApiError(
            "A API do IXC não está configurada: adicione a seção [ixc] (url e token) em "
            ".streamlit/secrets.toml e reinicie o servidor."
        )
    now = now or clock_now()  # before fetching: a change made meanwhile is taken next time
    sources = fetch(cfg, store, full=full)
    if dry_run:
        return imp.dry_run(store, actor, sources)
    return imp.run_import(store, actor, sources, source="api", now=now)


# --- the schedule ----------------------------------------------------------------------------


def schedule_minutes(store: Store) -> int:
    with store.read() as cur:
        return int(cat.settings(cur).get(EVERY_KEY, 0) or 0)


@retrying
def set_schedule(store: Store, actor: User, minutes: int) -> None:
    """Sync every `minutes` (0: only on demand); audited like the other settings."""
    require(actor, Perm.IMPORT_CUSTOMERS)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise DomainError("Intervalo da sincronização: informe um número inteiro de minutos.")
    if minutes != 0 and not 15 <= minutes <= MAX_EVERY_MIN:
        raise DomainError(
            f"Intervalo da sincronização: 0 (desligada) ou de 15 a {MAX_EVERY_MIN} minutos."
        )
    with store.transaction() as cur:
        old = int(cat.settings(cur).get(EVERY_KEY, 0) or 0)
        if old == minutes:
            return
        cat.set_setting(cur, EVERY_KEY, minutes)
        audit.record(
            cur,
            actor,
            "configuracao_alterada",
            "Sincronização com o IXC",
            field="intervalo (min)",
            old=old,
            new=minutes,
        )


# A server that claimed a scheduled sync holds it this long at most: should its sync fail (or
# the server stop), another server (or the next tick) tries again after it.
CLAIM_KEY = "ixc_sync_claimed_at_us"
CLAIM_HOLD = timedelta(minutes=10)


@retrying
def claim_due(store: Store, now: datetime) -> bool:
    """Whether the schedule asks for a sync now, claimed for the caller: of several servers on
    one store asking at the same minute, only one gets True (the others would pull and import
    the same rows for nothing)."""
    with store.transaction() as cur:
        every = int(cat.settings(cur).get(EVERY_KEY, 0) or 0)
        if every <= 0:
            return False
        last = min((store_ixc.last_sync(cur, k) for k in imp.KINDS), default=None, key=_key)
        if last is not None and now - last < timedelta(minutes=every):
            return False
        return cat.claim_slot(cur, CLAIM_KEY, now, now - min(CLAIM_HOLD, timedelta(minutes=every)))


def _key(value: datetime | None) -> datetime:
    return value or datetime.min.replace(tzinfo=clock_now().tzinfo)


# --- pushing a billing batch -----------------------------------------------------------------


@dataclass(frozen=True)
class PushDone:
    batch_id: int
    sent: int
    total: Decimal

    @property
    def message(self) -> str:
        return (
            f"Lote nº {self.batch_id} enviado ao IXC pela API: {self.sent} desconto(s), "
            f"{fmt.brl(self.total)}."
        )


def push_batch(store: Store, actor: User, cfg: IxcConfig | None, batch_id: int) -> PushDone:
    """Insert each discount of the batch still out in billing into IXC's contract discounts
    (`cfg.discount_table`). A batch is pushed once: a second push is refused (the discounts
    would be doubled in IXC)."""
    require(actor, Perm.BILLING)
    if cfg is None:
        raise IxcApiError("A API do IXC não está configurada (.streamlit/secrets.toml).")
    with store.transaction() as cur:  # claim the push first: two clicks cannot both send
        batch = bs.get_batch(cur, batch_id)
        if batch is None:
            raise DomainError(f"Lote nº {batch_id} não encontrado.")
        if batch["pushed_at"] is not None:
            raise DomainError(
                f"O lote nº {batch_id} já foi enviado pela API em {fmt.day_time(batch['pushed_at'])}."
            )
        bs.mark_pushed(cur, batch_id, clock_now())
        items = [i for i in bs.items(cur, batch_id) if i["outcome"] == "enviado"]
    sent, total = 0, Decimal("0.00")
    try:
        for item in items:
            insert(
                cfg,
                cfg.discount_table,
                {
                    "id_contrato": item["contract_ref"],
                    "descricao": item["description"][:200],
                    "valor": f"{Decimal(item['amount']):.2f}",
                    "quantidade": "1",
                    "tipo": "desconto",
                    "data": fmt.day(item["target_due_date"]),
                },
            )
            sent += 1
            total += Decimal(item["amount"])
    except IxcApiError as exc:
        if sent == 0:  # nothing reached IXC: the batch may be pushed again
            with store.transaction() as cur:
                bs.mark_pushed(cur, batch_id, None)
            raise
        raise IxcApiError(
            f"{exc} {sent} de {len(items)} descontos do lote já foram gravados no IXC: confira "
            "no IXC antes de lançar o restante à mão (o lote não será reenviado pela API)."
        ) from exc
    return PushDone(batch_id, sent, total)

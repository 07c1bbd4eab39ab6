"""Issue 14, items 4 and 5: approved discounts out to billing in batches and back, each in
exactly one batch (also when two batches are made at once), exported as IXC's "Descontos
adicionais", closed with invoice numbers, refusals back in finance's queue."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lib.domain import DomainError, PermissionDenied, StaleState
from lib.store import billing as bs
from lib.usecases import billing, finance, ticket_actions
from tests.ticket_factory import NOW, discount

DEC = (date(2026, 12, 1), date(2026, 12, 31))
LATER = NOW + timedelta(minutes=5)


def approved(w, key, **kw) -> int:
    t = discount(w, key, **kw)
    ticket_actions.assume(w.store, w.financeiro, t, now=NOW)
    finance.approve(w.store, w.financeiro, t, now=NOW)
    return t


@pytest.fixture
def four(world):
    """Four approved discounts whose next invoices fall in December 2026 (due days 10, 5, 20)."""
    return [
        approved(world, "m1"),
        approved(world, "m2", days_ago=2),
        approved(world, "j1", contract="joao"),
        approved(world, "j2", contract="joao2"),
    ]


def placement(w) -> dict[int, list[int]]:
    """Ticket id: the batches it is in (as sent items and as out in billing)."""
    with w.store.read() as cur:
        found: dict[int, list[int]] = {}
        for t, b in cur.execute("SELECT ticket_id, batch_id FROM billing_batch_item").fetchall():
            found.setdefault(t, []).append(b)
    return found


def test_round_trip_approve_batch_export_apply(world, four):
    w = world
    cands = billing.candidates(w.store, w.financeiro, *DEC, now=LATER)
    assert sorted(c.ticket_id for c in cands) == sorted(four)
    assert {c.target_due_date for c in cands} == {
        date(2026, 12, 10),
        date(2026, 12, 5),
        date(2026, 12, 20),
    }
    # a period that no invoice targets holds nothing
    assert (
        billing.candidates(w.store, w.financeiro, date(2027, 1, 1), date(2027, 1, 31), now=LATER)
        == []
    )

    done = billing.create_batch(w.store, w.financeiro, *DEC, idempotency_key="k1", now=LATER)
    assert done.count == 4 and done.total == sum(c.amount for c in cands)
    assert billing.candidates(w.store, w.financeiro, *DEC, now=LATER) == []
    with pytest.raises(DomainError, match="Nenhum desconto aprovado"):
        billing.create_batch(w.store, w.financeiro, *DEC, idempotency_key="k2", now=LATER)

    # the export: IXC's columns, one line a discount, quantity 1, value with decimal comma
    text = billing.export_batch(w.store, w.financeiro, done.batch_id, "csv").decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["id_contrato", "data", "quantidade", "valor_unitario", "descricao"]
    assert len(lines) == 5 and {r[2] for r in lines[1:]} == {"1"}
    maria = next(r for r in lines[1:] if r[0] == str(w.maria_contract) and r[1] == "10/12/2026")
    assert "protocolo" in maria[4] and "interrupção de" in maria[4]
    # downloaded again, the same file
    assert (
        billing.export_batch(w.store, w.financeiro, done.batch_id, "csv").decode("utf-8-sig")
        == text
    )
    book = load_workbook(
        io.BytesIO(billing.export_batch(w.store, w.financeiro, done.batch_id, "xlsx"))
    )
    sheet = book.active
    assert [c.value for c in sheet[1]] == list(billing.EXPORT_COLUMNS)
    assert sheet.max_row == 5 and sheet.cell(2, 3).value == 1

    # closing with invoices matched from IXC's fn_areceber listing
    items = billing.batch(w.store, w.financeiro, done.batch_id).items
    listing = "id;id_contrato;data_vencimento;valor;status\n" + "".join(
        f"{5000 + n};{i['contract_ref']};{i['target_due_date']:%d/%m/%Y};99,90;A\n"
        for n, i in enumerate(items)
    )
    match = billing.match_invoices(
        w.store, w.financeiro, done.batch_id, listing.encode(), "fn_areceber.csv"
    )
    assert match.missing == [] and len(match.found) == 4
    closed = billing.close_batch(w.store, w.financeiro, done.batch_id, match.found, now=LATER)
    assert closed.applied == 4 and closed.closed
    with w.store.read() as cur:
        decisions = cur.execute(
            "SELECT decision, invoice_number FROM discount_request ORDER BY ticket_id"
        ).fetchall()
        kinds = cur.execute(
            "SELECT kind FROM movement WHERE ticket_id = ? ORDER BY id", [four[0]]
        ).fetchall()
    assert {d for d, _ in decisions} == {"aplicado"} and all(
        n.startswith("50") for _, n in decisions
    )
    assert [k for (k,) in kinds][-2:] == ["enviar_faturamento", "aplicar"]
    assert placement(w) == {t: [done.batch_id] for t in four}
    totals = billing.batches(w.store, w.financeiro)[0]
    assert totals["requested"] == 4 and totals["sent"] == totals["applied"] == done.total
    assert totals["open_items"] == 0 and totals["closed_at"] is not None


def test_two_batches_made_at_once_never_share_a_discount(world, four, monkeypatch):
    """Two tabs (different keys) both read the same candidates before either writes: the
    second commit is refused whole (its retry, on a fresh snapshot, finds nothing left)."""
    w = world
    barrier = threading.Barrier(2, timeout=10)
    real = bs.approved_not_sent
    waited = threading.local()

    def both_read_first(cur, *args):
        found = real(cur, *args)
        if not getattr(waited, "once", False):  # the first attempt of each tab only
            waited.once = True
            barrier.wait()
        return found

    monkeypatch.setattr(bs, "approved_not_sent", both_read_first)
    outcomes: list[object] = []

    def make(key):
        try:
            outcomes.append(
                billing.create_batch(w.store, w.financeiro, *DEC, idempotency_key=key, now=LATER)
            )
        except DomainError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=make, args=(k,)) for k in ("tab1", "tab2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = [o for o in outcomes if isinstance(o, billing.BatchDone)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert "Outro usuário alterou" not in str(refused[0])  # the engine's conflict, never shown
    assert placement(w) == {t: [made[0].batch_id] for t in four}
    with w.store.read() as cur:
        assert cur.execute("SELECT count(*) FROM billing_batch").fetchone()[0] == 1


def test_a_double_click_returns_the_batch_already_made(world, four):
    w = world
    first = billing.create_batch(
        w.store, w.financeiro, *DEC, four[:2], idempotency_key="same", now=LATER
    )
    again = billing.create_batch(
        w.store, w.financeiro, *DEC, four[:2], idempotency_key="same", now=LATER
    )
    assert again.existing and again.batch_id == first.batch_id
    # the screen's selection: only those two went; a stale list skips what is gone
    other = billing.create_batch(w.store, w.financeiro, *DEC, four, idempotency_key="x", now=LATER)
    assert other.count == 2 and other.skipped == 2
    assert all(len(b) == 1 for b in placement(w).values()) and len(placement(w)) == 4


def test_a_refusal_returns_the_discount_to_finance_with_its_reason(world, four):
    w = world
    done = billing.create_batch(w.store, w.financeiro, *DEC, now=LATER)
    applied = {four[0]: billing.Applied(date(2026, 12, 10), "FAT-1")}
    with pytest.raises(DomainError, match="motivo"):
        billing.close_batch(
            w.store, w.financeiro, done.batch_id, applied, {four[1]: " "}, now=LATER
        )
    closed = billing.close_batch(
        w.store,
        w.financeiro,
        done.batch_id,
        applied,
        {four[1]: "Contrato cancelado no IXC"},
        now=LATER,
    )
    assert (closed.applied, closed.refused, closed.left, closed.closed) == (1, 1, 2, False)
    back = billing.candidates(w.store, w.financeiro, *DEC, now=LATER)
    assert [c.ticket_id for c in back] == [four[1]]
    assert back[0].last_refusal == "Contrato cancelado no IXC"
    # an item already answered cannot be answered again (a stale screen)
    with pytest.raises(StaleState, match="já foi marcado"):
        billing.close_batch(w.store, w.financeiro, done.batch_id, applied, now=LATER)
    # a wrong due date refuses the whole step, naming the protocol, and writes nothing
    bad = {four[2]: billing.Applied(date(2020, 1, 1)), four[3]: billing.Applied(date(2026, 12, 20))}
    with pytest.raises(DomainError, match="Protocolo .*Vencimento da fatura"):
        billing.close_batch(w.store, w.financeiro, done.batch_id, bad, now=LATER)
    assert billing.batch(w.store, w.financeiro, done.batch_id).items[3]["outcome"] == "enviado"
    again = billing.create_batch(w.store, w.financeiro, *DEC, now=LATER)
    assert again.count == 1 and placement(w)[four[1]] == [done.batch_id, again.batch_id]
    with w.store.read() as cur:
        note = cur.execute(
            "SELECT note FROM movement WHERE ticket_id = ? AND kind = 'recusa_faturamento'",
            [four[1]],
        ).fetchone()[0]
    assert "Contrato cancelado no IXC" in note


def test_only_finance_and_supervisors_make_batches(world, four):
    with pytest.raises(PermissionDenied):
        billing.candidates(world.store, world.atendente, *DEC)
    with pytest.raises(PermissionDenied):
        billing.create_batch(world.store, world.atendente, *DEC)
    assert billing.create_batch(world.store, world.supervisor, *DEC, now=LATER).count == 4


def test_period_checks(world):
    with pytest.raises(DomainError, match="anterior ao início"):
        billing.candidates(world.store, world.financeiro, date(2026, 12, 31), date(2026, 12, 1))
    with pytest.raises(DomainError, match="mais de 93 dias"):
        billing.candidates(world.store, world.financeiro, date(1900, 1, 1), date(9999, 12, 31))


def test_export_neutralises_formula_text(world, four):
    w = world
    done = billing.create_batch(w.store, w.financeiro, *DEC, now=LATER)
    with w.store.transaction() as cur:
        cur.execute(
            "UPDATE billing_batch_item SET description = '=HYPERLINK(\"x\")', contract_ref = '@SUM(1)'"
        )
    text = billing.export_batch(w.store, w.financeiro, done.batch_id, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text
    sheet = load_workbook(
        io.BytesIO(billing.export_batch(w.store, w.financeiro, done.batch_id, "xlsx"))
    ).active
    assert sheet.cell(2, 5).value.startswith("'=") and sheet.cell(2, 5).data_type == "s"
    assert Decimal(str(sheet.cell(2, 4).value)) > 0


def test_a_discount_applied_on_its_ticket_meanwhile_closes_with_that_invoice(world, four):
    w = world
    done = billing.create_batch(w.store, w.financeiro, *DEC, now=LATER)
    finance.mark_applied(
        w.store, w.financeiro, four[0], date(2026, 12, 10), now=LATER, invoice_number="FAT-9"
    )
    closed = billing.close_batch(
        w.store,
        w.financeiro,
        done.batch_id,
        {four[0]: billing.Applied(date(2026, 12, 10))},
        now=LATER,
    )
    assert closed.applied == 1
    item = next(
        i
        for i in billing.batch(w.store, w.financeiro, done.batch_id).items
        if i["ticket_id"] == four[0]
    )
    assert (item["outcome"], item["invoice_number"]) == ("aplicado", "FAT-9")
    from lib.store import tickets as tk
    from lib.usecases import ticket_view

    with w.store.read() as cur:
        history = tk.movements(cur, four[0])
    actions = list(ticket_view.history_rows(history)["Ação"])
    assert "Enviado ao faturamento" in actions

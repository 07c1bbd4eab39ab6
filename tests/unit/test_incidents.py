"""Incidents (issue 15): scope, linked requests, closing, automatic compensation, overlap,
merge, bulk approval and the NOC role."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from lib.auth import User, user_from_row
from lib.discount import calculate_discount
from lib.domain import TZ, DomainError, PermissionDenied, StaleState
from lib.store import catalog as cat
from lib.store import rows
from lib.store import staff as staff_store
from lib.usecases import discount_requests, incidents, settings, users
from lib.usecases.discount_requests import DiscountRequestInput
from lib.usecases.incidents import IncidentInput, closing, free_pieces
from tests.fixtures import PASSWORD, password_hash

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=TZ)
START = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
END = START + timedelta(hours=5, minutes=40)
BOXES = ("CTO-NOR-001", "CTO-NOR-002", "CTO-NOR-003")
# 40 contracts over the three boxes, fees that differ so a shared value would be caught
FEES = [Decimal("79.90") + Decimal(i) * Decimal("3.37") for i in range(40)]


@pytest.fixture
def noc(world) -> User:
    with world.store.transaction() as cur:
        sid = staff_store.insert_staff(
            cur, username="noc", name="Nina NOC", role="noc", password_hash=password_hash()
        )
        return user_from_row(staff_store.by_id(cur, sid))


@pytest.fixture
def north(world) -> list[dict]:
    """40 customers, one contract and one login each, on three CTO boxes of Bairro Norte;
    and one more customer on another box, outside the incident."""
    out = []
    with world.store.transaction() as cur:
        for i, fee in enumerate([*FEES, Decimal("120.00")]):
            box = BOXES[i % 3] if i < 40 else "CTO-SUL-009"
            cust = cat.insert_customer(
                cur, name=f"Cliente {i:02d}", cpf_cnpj=f"{i:011d}", neighbourhood="Bairro Norte"
            )
            contract = cat.insert_contract(
                cur, customer_id=cust, plan="Fibra", monthly_fee=fee, due_day=10
            )
            login = cat.insert_login(
                cur,
                customer_id=cust,
                contract_id=contract,
                username=f"cli{i:02d}",
                neighbourhood="Bairro Norte" if i < 40 else "Bairro Sul",
                latitude=-22.9 + i / 1000,
                longitude=-47.0 - i / 1000,
                cto_box=box,
            )
            out.append({"customer": cust, "contract": contract, "login": login, "fee": fee})
    return out


def _open(world, actor, *, values=BOXES, kind="cto", start=START, key="k1", reason=3) -> int:
    return incidents.open_incident(
        world.store,
        actor,
        IncidentInput(
            reason, "Rompimento na Av. Norte", "Cabo cortado por obra", start, kind, list(values)
        ),
        key,
        now=NOW,
    )


def _request(world, c: dict, incident_id: int | None, opened: datetime, **kw) -> int:
    actor = kw.pop("actor", world.atendente)
    data = DiscountRequestInput(
        customer_id=c["customer"],
        login_id=c["login"],
        contract_id=c["contract"],
        reason=kw.pop("reason", 3),
        occurred_on=kw.pop("occurred_on", opened.date()),
        opened_at=opened,
        signal_returned_at=kw.pop("returned", None),
        opa_protocol="OPA123456",
        incident_id=incident_id,
        **kw,
    )
    return discount_requests.open_discount_request(
        world.store, actor, data, f"req-{c['contract']}-{incident_id}-{opened}", now=NOW
    ).ticket_id


def _version(world, incident_id: int) -> int:
    return incidents.incident_view(world.store, world.supervisor, incident_id).incident["version"]


def _requests(world) -> list[dict]:
    with world.store.read() as cur:
        return rows(
            cur,
            """SELECT dr.*, t.origin, t.protocol FROM discount_request dr
               JOIN ticket t ON t.id = dr.ticket_id ORDER BY dr.ticket_id""",
        )


def _auto_on(world) -> None:
    settings.set_incident_auto_compensation(world.store, world.supervisor, True)


# --- done when: 3 CTO boxes, 40 contracts, closed after 5 h 40 min ------------------------------


def test_scope_by_three_boxes_resolves_to_forty_contracts(world, north, noc):
    incident_id = _open(world, noc)
    view = incidents.incident_view(world.store, noc, incident_id)
    assert view.contracts == 40 and view.customers == 40
    assert {m["cto_box"] for m in view.members} == set(BOXES)
    assert "cli40" not in {m["username"] for m in view.members}
    assert view.events[0]["kind"] == "abrir" and "40 contratos" in view.events[0]["note"]


def test_closing_after_5h40_gives_every_linked_request_the_period_and_its_own_value(
    world, north, noc
):
    incident_id = _open(world, noc)
    for i, c in enumerate(north[:40]):
        _request(world, c, incident_id, START + timedelta(minutes=15 + i))
    assert all(r["decision"] == "aguardando_retorno" for r in _requests(world))
    result = incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    assert result.returned == 40
    reqs = _requests(world)
    assert len(reqs) == 40
    for r, c in zip(reqs, north[:40], strict=True):
        assert r["incident_id"] == incident_id and r["contract_id"] == c["contract"]
        assert min(r["opened_at"], r["incident_started_at"]) == START
        assert r["signal_returned_at"] == END
        assert r["minutes"] == 340
        expected = calculate_discount(c["fee"], START, END).amount
        assert r["computed_amount"] == expected
        assert r["decision"] == "pendente"
    assert len({r["computed_amount"] for r in reqs}) > 30  # each contract its own fee
    # the ticket's procedure text was completed
    with world.store.read() as cur:
        msg = cur.execute(
            "SELECT message FROM ticket WHERE id = ?", [reqs[0]["ticket_id"]]
        ).fetchone()[0]
    assert "Período para dar desconto: 30/11/2026 09:00 a 30/11/2026 14:40" in msg


def test_linked_request_takes_the_start_and_end_of_a_closed_incident(world, north, noc):
    incident_id = _open(world, noc)
    incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    tid = _request(world, north[0], incident_id, END + timedelta(hours=1))
    (r,) = [r for r in _requests(world) if r["ticket_id"] == tid]
    assert r["incident_started_at"] == START and r["signal_returned_at"] == END
    assert r["computed_amount"] == calculate_discount(north[0]["fee"], START, END).amount
    assert r["reason"] == 3 and r["incident_id"] == incident_id


def test_a_login_outside_the_incident_cannot_be_linked(world, north, noc):
    incident_id = _open(world, noc)
    with pytest.raises(DomainError, match="abrangência do incidente"):
        _request(world, north[40], incident_id, START + timedelta(hours=1))


# --- done when: automatic compensation gives exactly one request per contract -------------------


def _one_per_contract(world, north, incident) -> dict[int, list[dict]]:
    by_contract: dict[int, list[dict]] = {c["contract"]: [] for c in north[:40]}
    for r in _requests(world):
        live = r["decision"] not in ("cancelado", "reprovado")
        start = min(r["opened_at"], r["incident_started_at"] or r["opened_at"])
        end = r["signal_returned_at"] or NOW
        if live and r["contract_id"] in by_contract and start < incident[1] and end > incident[0]:
            by_contract[r["contract_id"]].append(r)
    return by_contract


def test_automatic_compensation_gives_every_contract_exactly_one_request(world, north, noc):
    _auto_on(world)
    incident_id = _open(world, noc)
    for c in north[:5]:  # five asked and were linked
        _request(world, c, incident_id, START + timedelta(minutes=30))
    # one asked on their own, without the incident, for part of the window
    _request(world, north[5], None, START + timedelta(hours=2), returned=START + timedelta(hours=4))
    version = _version(world, incident_id)
    result = incidents.close_incident(world.store, noc, incident_id, END, version, now=NOW)
    assert (result.returned, result.created, result.individual, result.covered) == (5, 34, 1, 0)
    # a second click on the same screen, and a stale tab, create nothing more
    with pytest.raises(StaleState, match="já foi encerrado por Nina NOC"):
        incidents.close_incident(world.store, noc, incident_id, END, version, now=NOW)
    with pytest.raises(StaleState, match="já foi encerrado"):
        incidents.close_incident(
            world.store, world.supervisor, incident_id, END, _version(world, incident_id), now=NOW
        )
    per_contract = _one_per_contract(world, north, (START, END))
    assert {k: len(v) for k, v in per_contract.items()} == {c["contract"]: 1 for c in north[:40]}
    auto = [r for r in _requests(world) if r["automatic"]]
    assert len(auto) == 34
    for r in auto:
        assert r["origin"] == "I" and r["incident_id"] == incident_id
        assert r["incident_started_at"] == START and r["signal_returned_at"] == END
        fee = next(c["fee"] for c in north if c["contract"] == r["contract_id"])
        assert r["computed_amount"] == calculate_discount(fee, START, END).amount
    # the individual request is flagged on the impact view, to be merged
    view = incidents.incident_view(world.store, world.financeiro, incident_id)
    assert [o["contract_id"] for o in view.overlaps] == [north[5]["contract"]]
    assert (len(view.received), len(view.automatic)) == (5, 34)
    not_asked = view.not_asked()  # compensated automatically, but they did not ask
    assert len(not_asked) == 34 and all(m["automatic"] for m in not_asked)


def test_automatic_compensation_is_off_by_default(world, north, noc):
    incident_id = _open(world, noc)
    result = incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    assert result.created == 0 and _requests(world) == []
    view = incidents.incident_view(world.store, world.financeiro, incident_id)
    assert len(view.not_asked()) == 40


def test_close_is_all_or_nothing(world, north, noc, monkeypatch):
    _auto_on(world)
    incident_id = _open(world, noc)
    for c in north[:3]:
        _request(world, c, incident_id, START + timedelta(minutes=30))
    calls = []

    def failing(*args, **kw):
        calls.append(1)
        if len(calls) == 20:
            raise DomainError("falha no meio")
        return real(*args, **kw)

    real = closing._create_automatic  # the close's own module (lib/usecases/incidents/)
    monkeypatch.setattr(closing, "_create_automatic", failing)
    with pytest.raises(DomainError, match="falha no meio"):
        incidents.close_incident(
            world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
        )
    view = incidents.incident_view(world.store, noc, incident_id)
    assert view.incident["ended_at"] is None
    assert len(_requests(world)) == 3
    assert all(r["decision"] == "aguardando_retorno" for r in _requests(world))


def test_close_refuses_an_end_before_the_start_or_in_the_future(world, north, noc):
    incident_id = _open(world, noc)
    v = _version(world, incident_id)
    with pytest.raises(DomainError, match="depois do início"):
        incidents.close_incident(world.store, noc, incident_id, START, v, now=NOW)
    with pytest.raises(DomainError, match="futuro"):
        incidents.close_incident(
            world.store, noc, incident_id, NOW + timedelta(minutes=5), v, now=NOW
        )
    with pytest.raises(DomainError, match="5 anos"):
        incidents.close_incident(
            world.store, noc, incident_id, datetime(1900, 1, 1, tzinfo=TZ), v, now=NOW
        )


# --- two incidents never compensate the same minute ---------------------------------------------


def test_second_incident_compensates_only_the_minutes_the_first_did_not(world, north, noc):
    _auto_on(world)
    a = _open(world, noc, values=BOXES[:1], key="a")
    incidents.close_incident(
        world.store, noc, a, START + timedelta(hours=2), _version(world, a), now=NOW
    )
    b = _open(world, noc, values=BOXES[:1], start=START + timedelta(hours=1), key="b", reason=4)
    incidents.close_incident(
        world.store, noc, b, START + timedelta(hours=3), _version(world, b), now=NOW
    )
    on_box = [c for c in north[:40] if BOXES.index(BOXES[north.index(c) % 3]) == 0]
    reqs = _requests(world)
    for c in on_box:
        mine = sorted(
            (r for r in reqs if r["contract_id"] == c["contract"]), key=lambda r: r["incident_id"]
        )
        assert [r["incident_id"] for r in mine] == [a, b]
        assert mine[0]["signal_returned_at"] == START + timedelta(hours=2)
        assert mine[1]["incident_started_at"] == START + timedelta(hours=2)  # reduced
        assert mine[1]["minutes"] == 60
        with world.store.read() as cur:
            (note,) = cur.execute(
                "SELECT note FROM movement WHERE ticket_id = ? AND kind = 'abrir'",
                [mine[1]["ticket_id"]],
            ).fetchone()
        assert "Período reduzido a 30/11/2026 11:00–30/11/2026 12:00" in note
        assert f"#{mine[0]['ticket_id']}" in note and "não compensam o mesmo minuto" in note


def test_an_incident_wholly_covered_by_another_creates_nothing(world, north, noc):
    _auto_on(world)
    a = _open(world, noc, values=BOXES[:1], key="a")
    incidents.close_incident(world.store, noc, a, END, _version(world, a), now=NOW)
    b = _open(world, noc, values=BOXES[:1], start=START + timedelta(hours=1), key="b")
    result = incidents.close_incident(
        world.store, noc, b, START + timedelta(hours=2), _version(world, b), now=NOW
    )
    assert result.created == 0 and result.covered == 14
    assert "já tinham desconto cobrindo todo o período" in result.message


def test_free_pieces():
    h = lambda n: START + timedelta(hours=n)  # noqa: E731
    assert free_pieces(h(0), h(4), []) == [(h(0), h(4))]
    assert free_pieces(h(0), h(4), [(h(1), h(2))]) == [(h(0), h(1)), (h(2), h(4))]
    assert free_pieces(h(0), h(4), [(h(-1), h(5))]) == []
    assert free_pieces(h(0), h(4), [(h(3), h(9)), (h(-2), h(1))]) == [(h(1), h(3))]


# --- merge an individual request ----------------------------------------------------------------


def test_individual_request_merges_into_the_incident(world, north, noc):
    incident_id = _open(world, noc)
    tid = _request(
        world, north[0], None, START + timedelta(hours=2), returned=START + timedelta(hours=3)
    )
    view = incidents.incident_view(world.store, world.financeiro, incident_id)
    assert [o["ticket_id"] for o in view.overlaps] == [tid]
    incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    note = incidents.merge_request(
        world.store,
        world.financeiro,
        incident_id,
        tid,
        expected_status="N",
        expected_decision="pendente",
        now=NOW,
    )
    assert "Incorporado ao incidente" in note
    (r,) = _requests(world)
    assert r["incident_id"] == incident_id and r["signal_returned_at"] == END
    assert r["computed_amount"] == calculate_discount(north[0]["fee"], START, END).amount
    # a stale second click is refused
    with pytest.raises(DomainError):
        incidents.merge_request(
            world.store,
            world.financeiro,
            incident_id,
            tid,
            expected_status="N",
            expected_decision="pendente",
            now=NOW,
        )


def test_individual_request_is_cancelled_into_the_incidents_own(world, north, noc):
    incident_id = _open(world, noc)
    linked = _request(world, north[0], incident_id, START + timedelta(minutes=20))
    with pytest.raises(DomainError, match="mesmo período"):  # an attendant cannot overlap it
        _request(
            world, north[0], None, START + timedelta(hours=2), returned=START + timedelta(hours=3)
        )
    # a supervisor let a second, individual request through, with the reason
    tid = _request(
        world,
        north[0],
        None,
        START + timedelta(hours=2),
        returned=START + timedelta(hours=3),
        overlap_override_reason="cliente ligou de novo",
        actor=world.supervisor,
    )
    incidents.merge_request(
        world.store,
        world.financeiro,
        incident_id,
        tid,
        expected_status="N",
        expected_decision="pendente",
        now=NOW,
    )
    by_id = {r["ticket_id"]: r for r in _requests(world)}
    assert by_id[tid]["decision"] == "cancelado"
    assert by_id[linked]["decision"] == "aguardando_retorno"
    assert incidents.incident_view(world.store, noc, incident_id).events[-1]["kind"] == "incorporar"


# --- proposal on the request form ---------------------------------------------------------------


def test_form_proposes_open_and_recent_incidents_of_the_login(world, north, noc):
    incident_id = _open(world, noc)
    props = incidents.proposals_for_login(world.store, world.atendente, north[0]["login"], now=NOW)
    assert [p.incident_id for p in props] == [incident_id]
    assert "ainda em andamento" in props[0].text
    assert (
        incidents.proposals_for_login(world.store, world.atendente, north[40]["login"], now=NOW)
        == []
    )
    incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    later = NOW + timedelta(days=2)
    assert (
        len(
            incidents.proposals_for_login(
                world.store, world.atendente, north[0]["login"], now=later
            )
        )
        == 1
    )
    much_later = NOW + timedelta(days=4)
    assert (
        incidents.proposals_for_login(
            world.store, world.atendente, north[0]["login"], now=much_later
        )
        == []
    )


# --- editing, history and permissions -----------------------------------------------------------


def test_edit_resolves_the_scope_again_and_refuses_a_stale_screen(world, north, noc):
    incident_id = _open(world, noc)
    v = _version(world, incident_id)
    data = IncidentInput(
        3, "Rompimento na Av. Norte", "Cabo cortado", START, "cto", list(BOXES[:2])
    )
    incidents.edit_incident(world.store, world.supervisor, incident_id, data, v, now=NOW)
    view = incidents.incident_view(world.store, noc, incident_id)
    assert view.contracts == 27
    assert view.events[-1]["kind"] == "editar" and "Sara Supervisora" == view.events[-1]["staff"]
    with pytest.raises(StaleState, match="editado por Sara Supervisora"):
        incidents.edit_incident(world.store, noc, incident_id, data, v, now=NOW)


def test_scope_values_no_login_has_are_refused(world, north, noc):
    with pytest.raises(DomainError, match="CTO-XYZ"):
        _open(world, noc, values=["CTO-XYZ", BOXES[0]])
    with pytest.raises(DomainError, match="ao menos um"):
        _open(world, noc, values=["  "])
    # a neighbourhood, case and spaces aside
    incident_id = _open(world, noc, values=["  bairro   NORTE "], kind="bairro", key="hood")
    assert incidents.incident_view(world.store, noc, incident_id).contracts == 40


def test_open_is_idempotent_by_key(world, north, noc):
    assert _open(world, noc, key="same") == _open(world, noc, key="same")
    assert len(incidents.list_incidents(world.store, noc)) == 1


def test_only_noc_and_supervisor_manage_incidents(world, north, noc):
    with pytest.raises(PermissionDenied):
        _open(world, world.atendente)
    with pytest.raises(PermissionDenied):
        _open(world, world.financeiro)
    assert _open(world, world.supervisor, key="sup")
    with pytest.raises(PermissionDenied):
        incidents.list_incidents(world.store, world.atendente)


def test_a_supervisor_creates_a_noc_user(world):
    uid = users.create_user(
        world.store, world.supervisor, username="nina", name="Nina", role="noc", password=PASSWORD
    )
    with world.store.read() as cur:
        assert staff_store.by_id(cur, uid)["role"] == "noc"


# --- bulk decision ------------------------------------------------------------------------------


def test_bulk_approval_of_an_incidents_requests(world, north, noc):
    incident_id = _open(world, noc)
    for c in north[:6]:
        _request(world, c, incident_id, START + timedelta(minutes=30))
    incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    view = incidents.incident_view(world.store, world.financeiro, incident_id)
    items = [(r["ticket_id"], r["protocol"], r["status"], r["decision"]) for r in view.requests]
    items[0] = (items[0][0], items[0][1], items[0][2], "aguardando_retorno")  # a stale row
    with world.store.transaction() as cur:  # one waits on someone: Pendente, assumed again
        cur.execute("UPDATE ticket SET status = 'P' WHERE id = ?", [items[1][0]])
    items[1] = (items[1][0], items[1][1], "P", items[1][3])
    seen = []
    outcomes = incidents.approve_all(
        world.store,
        world.financeiro,
        incident_id,
        items,
        on_progress=lambda i, n: seen.append((i, n)),
    )
    assert sum(o.ok for o in outcomes) == 5
    assert [o.ok for o in outcomes].count(False) == 1
    approved = [r for r in _requests(world) if r["decision"] == "aprovado"]
    assert len(approved) == 5
    assert all(r["approved_amount"] == r["computed_amount"] for r in approved)
    assert seen[-1] == (6, 6)
    money = incidents.incident_view(world.store, world.financeiro, incident_id).money()
    assert money["approved"] == sum(r["approved_amount"] for r in approved)
    with pytest.raises(PermissionDenied):
        incidents.approve_all(world.store, noc, incident_id, items)


def test_migration_080_keeps_every_staff_row_and_allows_noc(tmp_path, monkeypatch):
    """The staff table is rebuilt (DuckDB cannot alter a CHECK): a store created before 080
    keeps its users, ids, hashes and sequence."""
    import lib.store as store_mod
    from lib.store import Store

    before = [f for f in store_mod.migration_files() if f[0] < 80]
    monkeypatch.setattr(store_mod, "migration_files", lambda: before)
    old = Store(tmp_path / "old.duckdb")
    old.migrate()
    with old.transaction() as cur:
        for name in ("ana", "bia"):
            staff_store.insert_staff(
                cur,
                username=name,
                name=name.title(),
                role="atendente",
                password_hash=f"hash-{name}",
            )
        cur.execute("UPDATE staff SET active = FALSE WHERE username = 'bia'")
    with pytest.raises(Exception, match="CHECK"), old.transaction() as cur:
        cur.execute("INSERT INTO staff (username, name, role) VALUES ('x', 'X', 'noc')")
    old.close()
    monkeypatch.undo()
    new = Store(tmp_path / "old.duckdb")
    assert new.migrate()[0] == 80  # and any later ones
    with new.transaction() as cur:
        got = rows(cur, "SELECT id, username, password_hash, active FROM staff ORDER BY id")
        assert got == [
            {"id": 1, "username": "ana", "password_hash": "hash-ana", "active": True},
            {"id": 2, "username": "bia", "password_hash": "hash-bia", "active": False},
        ]
        nina = staff_store.insert_staff(
            cur, username="nina", name="Nina", role="noc", password_hash=None
        )
        assert nina > 2  # the sequence goes on: no id is given twice
    with pytest.raises(Exception, match="CHECK"), new.transaction() as cur:
        cur.execute("INSERT INTO staff (username, name, role) VALUES ('y', 'Y', 'chefe')")
    with pytest.raises(Exception, match="[Dd]uplicate|UNIQUE|unique"), new.transaction() as cur:
        cur.execute("INSERT INTO staff (username, name, role) VALUES ('ana', 'A', 'noc')")
    new.close()


def test_finance_reads_the_incident_and_automatic_mark_on_the_request(world, north, noc):
    from lib.store import tickets as tk
    from lib.usecases.ticket_view import discount_view

    _auto_on(world)
    incident_id = _open(world, noc, values=BOXES[:1])
    incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    auto = _requests(world)[0]
    with world.store.read() as cur:
        discount = tk.get_discount(cur, auto["ticket_id"])
        ticket = tk.get_ticket(cur, auto["ticket_id"])
    view = discount_view(world.store, discount)
    assert view["Incidente"] == f"#{incident_id}"
    assert view["Pedido automático"].startswith("Sim")
    assert ticket["origin"] == "I" and ticket["opened_by"] == noc.id
    assert (
        f"Criado automaticamente no encerramento do incidente #{incident_id}" in ticket["message"]
    )


def _race(fn, n: int = 2) -> list:
    """Run fn n times at once, in threads (a double click reaching two server threads)."""
    import threading

    barrier, out = threading.Barrier(n), []

    def run() -> None:
        barrier.wait()
        try:
            out.append(fn())
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            out.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_a_double_click_opens_one_incident(world, north, noc):
    results = _race(lambda: _open(world, noc, key="dbl"))
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert len(incidents.list_incidents(world.store, noc)) == 1


def test_two_closes_at_once_compensate_each_contract_once(world, north, noc):
    _auto_on(world)
    incident_id = _open(world, noc)
    version = _version(world, incident_id)
    results = _race(
        lambda: incidents.close_incident(world.store, noc, incident_id, END, version, now=NOW)
    )
    done = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(done) == 1 and len(refused) == 1, results
    assert isinstance(refused[0], StaleState)  # "… ao mesmo tempo" or "já foi encerrado …"
    with pytest.raises(StaleState, match="já foi encerrado por Nina NOC"):  # trying again
        incidents.close_incident(world.store, noc, incident_id, END, version, now=NOW)
    per_contract = _one_per_contract(world, north, (START, END))
    assert all(len(v) == 1 for v in per_contract.values())
    assert len(_requests(world)) == 40


def test_recent_days_setting_is_checked_and_moves_the_proposal_window(world, north, noc):
    with pytest.raises(DomainError, match="de 0 a 90 dias"):
        settings.set_incident_recent_days(world.store, world.supervisor, 91)
    with pytest.raises(PermissionDenied):
        settings.set_incident_recent_days(world.store, noc, 5)
    incident_id = _open(world, noc)
    incidents.close_incident(
        world.store, noc, incident_id, END, _version(world, incident_id), now=NOW
    )
    settings.set_incident_recent_days(world.store, world.supervisor, 0)
    assert (
        incidents.proposals_for_login(
            world.store, world.atendente, north[0]["login"], now=NOW + timedelta(hours=1)
        )
        == []
    )
    settings.set_incident_recent_days(world.store, world.supervisor, 10)
    later = NOW + timedelta(days=9)
    assert (
        len(
            incidents.proposals_for_login(
                world.store, world.atendente, north[0]["login"], now=later
            )
        )
        == 1
    )


def test_typed_text_is_kept_as_typed_and_limits_hold(world, north, noc):
    incident_id = incidents.open_incident(
        world.store,
        noc,
        IncidentInput(4, '=HYPERLINK("x")  **negrito**', "<b>causa</b>", START, "cto", [BOXES[0]]),
        "md",
        now=NOW,
    )
    view = incidents.incident_view(world.store, noc, incident_id)
    assert view.incident["title"] == '=HYPERLINK("x") **negrito**'
    assert view.incident["cause"] == "<b>causa</b>"
    with pytest.raises(DomainError, match="no máximo 120"):
        incidents.open_incident(
            world.store,
            noc,
            IncidentInput(3, "x" * 121, "", START, "cto", [BOXES[0]]),
            "long",
            now=NOW,
        )
    with pytest.raises(DomainError, match="no máximo 500"):
        incidents.open_incident(
            world.store,
            noc,
            IncidentInput(3, "t", "", START, "login", [f"l{i}" for i in range(501)]),
            "many",
            now=NOW,
        )
    with pytest.raises(DomainError, match="Motivo"):
        incidents.open_incident(
            world.store, noc, IncidentInput(1, "t", "", START, "cto", [BOXES[0]]), "r1", now=NOW
        )
    with pytest.raises(DomainError, match="futuro"):
        incidents.open_incident(
            world.store,
            noc,
            IncidentInput(3, "t", "", NOW + timedelta(minutes=1), "cto", [BOXES[0]]),
            "f",
            now=NOW,
        )


def test_moving_an_open_incidents_start_moves_its_requests(world, north, noc):
    incident_id = _open(world, noc)
    waiting = _request(world, north[0], incident_id, START + timedelta(minutes=30))
    merged = _request(
        world, north[1], None, START + timedelta(hours=1), returned=START + timedelta(hours=3)
    )
    incidents.merge_request(
        world.store,
        world.financeiro,
        incident_id,
        merged,
        expected_status="N",
        expected_decision="pendente",
        now=NOW,
    )
    earlier = START - timedelta(hours=1)
    data = IncidentInput(3, "Rompimento na Av. Norte", "Cabo cortado", earlier, "cto", list(BOXES))
    incidents.edit_incident(
        world.store, noc, incident_id, data, _version(world, incident_id), now=NOW
    )
    by_id = {r["ticket_id"]: r for r in _requests(world)}
    assert by_id[waiting]["incident_started_at"] == earlier
    assert by_id[merged]["incident_started_at"] == earlier
    assert by_id[merged]["minutes"] == 240
    assert (
        by_id[merged]["computed_amount"]
        == calculate_discount(north[1]["fee"], earlier, START + timedelta(hours=3)).amount
    )

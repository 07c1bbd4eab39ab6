"""The demo store (seed_demo) and the benchmark store (generate_large)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from lib import auth
from lib.demo import DEMO_PASSWORD, seed_demo
from lib.demo.large import generate_large
from lib.discount import calculate_discount
from lib.domain import TZ, Action, Decision, Status
from lib.store import Store, rows, scalar
from lib.store import catalog as cat
from lib.store import staff as staff_store
from lib.usecases import discount_requests, opening, signin

TODAY = date(2025, 6, 15)
# What the ticket status must be for each decision of its discount request.
STATUS_FOR = {
    "aplicado": {"S"},
    "reprovado": {"S"},
    "cancelado": {"C"},
    "aprovado": {"EP"},
    "pendente": {"N", "EP"},
    "aguardando_retorno": {"N", "EP", "P"},
}


def _store(tmp_path, name: str = "x.duckdb") -> Store:
    store = Store(tmp_path / name)
    store.migrate(demo=True)
    return store


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Store:
    """One demo store shared by the read-only checks (seeding takes about a second)."""
    store = _store(tmp_path_factory.mktemp("demo"))
    seed_demo(store, today=TODAY, customers=300)
    yield store
    store.close()


def _q(store: Store, sql: str, params=None) -> list[dict]:
    with store.read() as cur:
        return rows(cur, sql, params)


def _cpf_ok(doc: str) -> bool:
    if len(doc) != 11 or len(set(doc)) == 1:
        return False
    d = [int(c) for c in doc]
    for n in (9, 10):
        check = sum(d[i] * (n + 1 - i) for i in range(n)) * 10 % 11 % 10
        if check != d[n]:
            return False
    return True


def _cnpj_ok(doc: str) -> bool:
    if len(doc) != 14 or len(set(doc)) == 1:
        return False
    d = [int(c) for c in doc]
    for n in (12, 13):
        weights = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2][13 - n :]
        rest = sum(x * w for x, w in zip(d[:n], weights, strict=True)) % 11
        if d[n] != (0 if rest < 2 else 11 - rest):
            return False
    return True


def test_checkers_reject_bad_documents():
    assert _cpf_ok("52998224725") and not _cpf_ok("52998224724") and not _cpf_ok("11111111111")
    assert _cnpj_ok("11222333000181") and not _cnpj_ok("11222333000182")


def test_the_counts_seed_demo_reports_are_the_rows_it_wrote(tmp_path):
    store = _store(tmp_path)
    counts = seed_demo(store, today=TODAY, customers=40)
    tables = {
        "staff": "staff",
        "customers": "customer",
        "contracts": "contract",
        "logins": "login",
        "tickets": "ticket",
        "movements": "movement",
        "discount_requests": "discount_request",
    }
    with store.read() as cur:
        written = {name: scalar(cur, f"SELECT count(*) FROM {t}") for name, t in tables.items()}
    assert counts == written
    assert counts["movements"] > counts["tickets"]


def test_same_seed_gives_the_same_store(tmp_path):
    first, second, other = (_store(tmp_path, f"{n}.duckdb") for n in "abc")
    counts = seed_demo(first, today=TODAY, customers=40)
    assert seed_demo(second, today=TODAY, customers=40) == counts
    seed_demo(other, seed=1, today=TODAY, customers=40)
    for sql in (
        "SELECT * FROM customer ORDER BY id LIMIT 5",
        "SELECT * FROM ticket ORDER BY id LIMIT 5",
        "SELECT * FROM movement ORDER BY id LIMIT 5",
        "SELECT * FROM discount_request ORDER BY ticket_id LIMIT 5",
    ):
        assert _q(first, sql) == _q(second, sql)
    assert _q(first, "SELECT name FROM customer") != _q(other, "SELECT name FROM customer")
    assert counts["customers"] == 40 and counts["tickets"] == 333


def test_counts_match_the_store(seeded):
    with seeded.read() as cur:
        assert scalar(cur, "SELECT count(*) FROM customer") == 300
        assert scalar(cur, "SELECT count(*) FROM ticket") == 2500
        n_disc = scalar(cur, "SELECT count(*) FROM discount_request")
        # every discount ticket has its request and vice versa
        assert n_disc == scalar(
            cur,
            "SELECT count(*) FROM ticket t JOIN subject s ON s.id = t.subject_id "
            "WHERE s.name = 'DESCONTO EM FATURA'",
        )
        assert 200 < n_disc < 400
        # reference data was reused, not duplicated
        assert scalar(cur, "SELECT count(*) FROM subject") == 12
        assert scalar(cur, "SELECT count(*) FROM department") == 6


def test_every_status_decision_and_reason_occurs(seeded):
    statuses = {r["status"] for r in _q(seeded, "SELECT DISTINCT status FROM ticket")}
    assert statuses == {s.value for s in Status}
    decisions = {
        r["decision"] for r in _q(seeded, "SELECT DISTINCT decision FROM discount_request")
    }
    assert decisions == {d.value for d in Decision}
    reasons = {r["reason"] for r in _q(seeded, "SELECT DISTINCT reason FROM discount_request")}
    assert reasons == {1, 2, 3, 4, 5}
    adjusted = _q(
        seeded, "SELECT count(*) AS n FROM discount_request WHERE adjustment_reason IS NOT NULL"
    )
    assert adjusted[0]["n"] > 0


def test_documents_are_valid_digits(seeded):
    customers = _q(seeded, "SELECT cpf_cnpj, phones FROM customer")
    companies = [c for c in customers if len(c["cpf_cnpj"]) == 14]
    assert all(_cpf_ok(c["cpf_cnpj"]) for c in customers if len(c["cpf_cnpj"]) == 11)
    assert all(_cnpj_ok(c["cpf_cnpj"]) for c in companies)
    assert all(len(c["cpf_cnpj"]) in (11, 14) for c in customers)
    assert 0 < len(companies) < len(customers) * 0.15
    assert all(re.fullmatch(r"\d{10,11}(, \d{10,11})?", c["phones"]) for c in customers)


def test_some_records_have_no_coordinates(seeded):
    for table in ("customer", "contract", "login"):
        share = _q(seeded, f"SELECT avg((latitude IS NULL)::INT) AS s FROM {table}")[0]["s"]
        assert 0.03 < share < 0.3, table


def test_status_follows_the_decision(seeded):
    found = _q(
        seeded,
        "SELECT d.decision, t.status, count(*) AS n FROM discount_request d "
        "JOIN ticket t ON t.id = d.ticket_id GROUP BY ALL",
    )
    for r in found:
        assert r["status"] in STATUS_FOR[r["decision"]], r
    waiting = _q(
        seeded,
        "SELECT * FROM discount_request WHERE decision = 'aguardando_retorno'",
    )
    assert waiting and all(
        w["signal_returned_at"] is None and w["computed_amount"] is None for w in waiting
    )
    applied = _q(seeded, "SELECT * FROM discount_request WHERE decision = 'aplicado'")
    assert all(
        a["invoice_due_date"]
        and a["applied_at"]
        and a["applied_by"]
        and a["approved_amount"] is not None
        for a in applied
    )
    assert all(
        r["decision_reason"]
        for r in _q(seeded, "SELECT * FROM discount_request WHERE decision = 'reprovado'")
    )


def test_history_replays_to_the_ticket(seeded):
    """Movements start at the opening, never run past today, and end in the ticket's status."""
    kinds = {r["kind"] for r in _q(seeded, "SELECT DISTINCT kind FROM movement")}
    assert kinds <= {a.value for a in Action}
    bad = _q(
        seeded,
        """SELECT t.id FROM ticket t
           JOIN (SELECT ticket_id, min(created_at) AS first, max(created_at) AS last,
                        arg_max(to_status, (created_at, id)) AS final
                 FROM movement GROUP BY ticket_id) m ON m.ticket_id = t.id
           WHERE m.first <> t.opened_at OR m.final <> t.status OR m.last <> t.updated_at
              OR m.last > ?""",
        [datetime(TODAY.year, TODAY.month, TODAY.day, 23, 59, tzinfo=TZ)],
    )
    assert bad == []
    first_kind = _q(
        seeded,
        "SELECT DISTINCT arg_min(kind, id) AS k FROM movement GROUP BY ticket_id",
    )
    assert [r["k"] for r in first_kind] == ["abrir"]


def test_protocols_are_unique_12_digits_of_the_opening_year(seeded):
    tickets = _q(seeded, "SELECT id, protocol, opened_at FROM ticket ORDER BY id")
    protocols = [t["protocol"] for t in tickets]
    assert len(set(protocols)) == len(protocols)
    assert all(re.fullmatch(r"\d{12}", p) for p in protocols)
    assert all(t["protocol"][:4] == str(t["opened_at"].astimezone(TZ).year) for t in tickets)
    assert [t["id"] for t in tickets] == list(range(1, len(tickets) + 1))


def test_amounts_are_exact_and_match_the_engine(seeded):
    found = _q(seeded, "SELECT * FROM discount_request WHERE computed_amount IS NOT NULL")
    assert found
    for d in found:
        for col in ("monthly_fee", "computed_amount"):
            assert isinstance(d[col], Decimal) and d[col].as_tuple().exponent == -2
        start = min(d["opened_at"], d["incident_started_at"] or d["opened_at"])
        calc = calculate_discount(d["monthly_fee"], start, d["signal_returned_at"], d["method"])
        assert (calc.amount, calc.minutes) == (d["computed_amount"], d["minutes"])
        assert d["deadline"] == d["occurred_on"] + timedelta(days=90)
        if d["reason"] >= 3:
            assert d["incident_started_at"] < d["opened_at"]
            assert '"incidente"' in d["reason_details"]
    fees = {r["monthly_fee"] for r in _q(seeded, "SELECT DISTINCT monthly_fee FROM contract")}
    assert fees == {Decimal(v) for v in ("79.90", "99.90", "119.90", "149.90", "199.90")}


def _user(store: Store, username: str) -> auth.User:
    with store.read() as cur:
        return auth.user_from_row(staff_store.by_username(cur, username))


def _open_both(store: Store, now: datetime) -> tuple[opening.Opened, opening.Opened]:
    """Open a plain ticket and a discount request through the use-cases, as the app would."""
    atendente = _user(store, "atendente")
    with store.read() as cur:
        login = rows(cur, "SELECT * FROM login ORDER BY id LIMIT 1")[0]
        subject = cat.subject_id(cur, "SEM CONEXÃO")
        dept = cat.department_id(cur, "SUPORTE")
    plain = opening.open_ticket(
        store,
        atendente,
        opening.TicketInput(
            subject_id=subject,
            department_id=dept,
            customer_id=login["customer_id"],
            login_id=login["id"],
            contract_id=login["contract_id"],
        ),
        "test-plain",
        now=now,
    )
    discount = discount_requests.open_discount_request(
        store,
        atendente,
        discount_requests.DiscountRequestInput(
            customer_id=login["customer_id"],
            login_id=login["id"],
            contract_id=login["contract_id"],
            reason=3,
            occurred_on=now.date(),
            opened_at=now - timedelta(hours=3),
            signal_returned_at=now - timedelta(hours=1),
            opa_protocol="OPA12345678",
        ),
        "test-discount",
        now=now,
    )
    return plain, discount


def test_use_cases_open_tickets_after_seeding(tmp_path):
    seeded = _store(tmp_path)
    seed_demo(seeded, today=TODAY, customers=40)
    now = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), TZ) + timedelta(hours=10)
    with seeded.read() as cur:
        max_id = scalar(cur, "SELECT max(id) FROM ticket")
        max_seq = scalar(cur, "SELECT max(CAST(right(protocol, 8) AS INT)) FROM ticket")
    plain, discount = _open_both(seeded, now)
    assert plain.created and discount.created
    assert (plain.ticket_id, discount.ticket_id) == (max_id + 1, max_id + 2)
    assert plain.protocol == f"{now.year}{max_seq + 1:08d}"
    assert discount.protocol == f"{now.year}{max_seq + 2:08d}"
    with seeded.read() as cur:
        assert (
            scalar(cur, "SELECT count(*) FROM movement WHERE ticket_id = ?", [plain.ticket_id]) >= 1
        )
    # and the demo users log in with the documented password
    user = signin.login(seeded, "financeiro", DEMO_PASSWORD, now)
    assert user.role == auth.Role.FINANCEIRO


def test_refuses_a_store_that_already_has_data(tmp_path):
    store = _store(tmp_path)
    seed_demo(store, today=TODAY, customers=20)
    with pytest.raises(ValueError):
        seed_demo(store, today=TODAY, customers=20)


def test_generate_large_on_top_of_the_demo(tmp_path):
    store = _store(tmp_path)
    seed_demo(store, today=TODAY, customers=50)
    added = generate_large(store, 20_000, today=TODAY)
    assert added["tickets"] == 20_000 and added["customers"] == 2_000
    assert 2_400 < added["discount_requests"] < 3_600
    with store.read() as cur:
        dupes = scalar(
            cur,
            "SELECT (SELECT count(*) - count(DISTINCT id) FROM ticket)"
            " + (SELECT count(*) - count(DISTINCT protocol) FROM ticket)"
            " + (SELECT count(*) - count(DISTINCT id) FROM movement)"
            " + (SELECT count(*) - count(DISTINCT username) FROM login)",
        )
        assert dupes == 0
        found = rows(
            cur,
            "SELECT d.decision, t.status, count(*) AS n FROM discount_request d "
            "JOIN ticket t ON t.id = d.ticket_id GROUP BY ALL",
        )
        assert {r["decision"] for r in found} == {d.value for d in Decision}
        for r in found:
            assert r["status"] in STATUS_FOR[r["decision"]], r
        final = scalar(
            cur,
            """SELECT count(*) FROM ticket t
               JOIN (SELECT ticket_id, arg_max(to_status, (created_at, id)) AS s
                     FROM movement GROUP BY 1) m ON m.ticket_id = t.id
               WHERE m.s <> t.status""",
        )
        assert final == 0
        sample = rows(
            cur,
            "SELECT * FROM discount_request WHERE computed_amount IS NOT NULL "
            "ORDER BY ticket_id DESC LIMIT 300",
        )
        docs = [r[0] for r in cur.execute("SELECT cpf_cnpj FROM customer").fetchall()]
    for d in sample:
        start = min(d["opened_at"], d["incident_started_at"] or d["opened_at"])
        calc = calculate_discount(d["monthly_fee"], start, d["signal_returned_at"])
        assert calc.amount == d["computed_amount"]
    assert all(_cpf_ok(doc) or _cnpj_ok(doc) for doc in docs)
    plain, discount = _open_both(store, datetime(2025, 6, 16, 10, 0, tzinfo=TZ))
    assert plain.created and discount.created


def test_the_demo_has_a_noc_login_who_manages_incidents_and_nothing_of_finance(tmp_path):
    store = _store(tmp_path)
    seed_demo(store, today=TODAY, customers=40)
    with store.read() as cur:
        row = staff_store.by_username(cur, "noc")
    assert row is not None and auth.check_password(row["password_hash"], "demo1234")
    noc = auth.user_from_row(row)
    assert noc.role == auth.Role.NOC
    assert auth.can(noc, auth.Perm.MANAGE_INCIDENTS) and auth.can(noc, auth.Perm.VIEW_CUSTOMERS)
    assert not auth.can(noc, auth.Perm.OPEN_DISCOUNT) and not auth.can(noc, auth.Perm.BILLING)

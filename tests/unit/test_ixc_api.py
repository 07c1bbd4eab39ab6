"""Issue 14, item 2 (and item 4's push): the IXC API client and the sync, against a local
server on 127.0.0.1 that answers in IXC's documented shape (tests/fake_ixc.py): pagination,
changed-since, an auth failure, a timeout, a malformed page. Never a live IXC."""

from __future__ import annotations

import base64
from datetime import date, datetime, timedelta

import pytest

from lib import ixc_scheduler
from lib.domain import TZ, PermissionDenied
from lib.ixc_api import IxcApiError, IxcConfig, list_pages, load_config
from lib.usecases import billing, ixc_sync
from tests.fake_ixc import TOKEN, FakeIxc, rows_of
from tests.unit.test_billing import DEC, LATER, approved


@pytest.fixture
def ixc():
    fake = FakeIxc(
        tables={
            "cliente": rows_of("clientes.csv"),
            "cliente_contrato": rows_of("contratos.csv"),
            "radusuarios": rows_of("logins.csv"),
        }
    ).start()
    yield fake
    fake.stop()


def cfg(fake: FakeIxc, **kw) -> IxcConfig:
    return IxcConfig(fake.url, kw.pop("token", TOKEN), **{"timeout": 5, "page_size": 2, **kw})


def test_listing_follows_the_pages_with_the_documented_request(ixc):
    pages = list(list_pages(cfg(ixc), "cliente"))
    assert [len(p) for p in pages] == [2, 2]  # 4 rows, rp=2
    assert [r["id"] for p in pages for r in p] == ["501", "502", "503", "504"]
    first = ixc.requests[0]
    assert first["headers"]["ixcsoft"] == "listar"
    assert first["headers"]["authorization"] == "Basic " + base64.b64encode(TOKEN.encode()).decode()
    assert first["body"] == {
        "qtype": "cliente.id",
        "query": "0",
        "oper": ">",
        "page": "1",
        "rp": "2",
        "sortname": "cliente.id",
        "sortorder": "asc",
    }
    assert [r["body"]["page"] for r in ixc.requests] == ["1", "2"]


def test_sync_imports_then_takes_only_what_changed(store, ixc):
    t0 = datetime(2026, 11, 30, 12, 0, tzinfo=TZ)
    dry = ixc_sync.sync(store, None, cfg(ixc), dry_run=True, now=t0)
    assert [tuple(r.counts.values()) for r in dry] == [(4, 0, 0, 0), (4, 0, 0, 0), (3, 0, 0, 0)]
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM customer").fetchone()[0] == 0
    done = ixc_sync.sync(store, None, cfg(ixc), now=t0)
    assert [tuple(r.counts.values()) for r in done] == [(4, 0, 0, 0), (4, 0, 0, 0), (3, 0, 0, 0)]
    # one customer changes in IXC after the sync; the next sync asks from t0 on and gets it only
    ixc.tables["cliente"][1] = {
        **ixc.tables["cliente"][1],
        "razao": "Otávio Rangel Filho",
        "ultima_atualizacao": "2026-11-30 12:30:00",
    }
    ixc.requests.clear()
    again = ixc_sync.sync(store, None, cfg(ixc), now=t0 + timedelta(hours=1))
    assert [tuple(r.counts.values()) for r in again] == [(0, 1, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)]
    assert ixc.requests[0]["body"]["qtype"] == "cliente.ultima_atualizacao"
    assert ixc.requests[0]["body"]["query"] == "2026-11-30 12:00:00"
    assert ixc.requests[0]["body"]["oper"] == ">="
    with store.read() as cur:
        assert (
            cur.execute("SELECT name FROM customer WHERE ixc_id = 502").fetchone()[0]
            == "Otávio Rangel Filho"
        )


def test_a_refused_token_writes_nothing(store, ixc):
    with pytest.raises(IxcApiError, match="recusou o token \\(HTTP 401\\)"):
        ixc_sync.sync(store, None, cfg(ixc, token="7:errado"))
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM ixc_import").fetchone()[0] == 0


def test_a_timeout_is_reported(store, ixc):
    ixc.stall_seconds = 2
    with pytest.raises(IxcApiError, match="não respondeu em 0.5 s"):
        ixc_sync.sync(store, None, cfg(ixc, timeout=0.5))


def test_a_malformed_page_writes_nothing(store, ixc):
    ixc.malformed_page = 2
    with pytest.raises(IxcApiError, match="não é JSON válido"):
        ixc_sync.sync(store, None, cfg(ixc))
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM customer").fetchone()[0] == 0


def test_a_page_without_registros_is_malformed(ixc, monkeypatch):
    ixc.tables["cliente"] = [{"id": "1"}]
    import lib.ixc_api as api

    monkeypatch.setattr(api, "_post", lambda *a, **k: {"page": "1", "rows": []})
    with pytest.raises(IxcApiError, match="Página 1 de cliente malformada"):
        list(list_pages(cfg(ixc), "cliente"))


def test_only_a_supervisor_syncs_and_without_configuration_it_says_so(world, ixc):
    with pytest.raises(PermissionDenied):
        ixc_sync.sync(world.store, world.financeiro, cfg(ixc))
    with pytest.raises(IxcApiError, match="não está configurada"):
        ixc_sync.sync(world.store, world.supervisor, None)


def test_secrets_section(tmp_path):
    path = tmp_path / "secrets.toml"
    assert load_config(path) is None
    path.write_text('[ixc]\nurl = "https://ixc.example.com"\ntoken = "1:abc"\npage_size = 100\n')
    assert load_config(path) == IxcConfig("https://ixc.example.com", "1:abc", 30, 100)
    path.write_text('[ixc]\nurl = "ftp://x"\ntoken = "1"\n')
    with pytest.raises(IxcApiError, match="url"):
        load_config(path)


def test_schedule_runs_a_sync_when_due(store, ixc, world):
    scheduler = ixc_scheduler.SyncScheduler(store, cfg(ixc), tick=3600)
    assert scheduler.run_once() is None  # off by default
    ixc_sync.set_schedule(store, world.supervisor, 60)
    done = scheduler.run_once()
    assert done is not None and done[0].counts["criar"] == 4
    assert scheduler.run_once() is None  # not due again for an hour
    with pytest.raises(Exception, match="de 15 a"):
        ixc_sync.set_schedule(store, world.supervisor, 1)


def test_several_servers_on_one_store_run_a_scheduled_sync_once(store, ixc, world, monkeypatch):
    """Issue 18: every server runs the scheduler; at the minute a sync is due, one pulls."""
    import threading
    import time

    ixc_sync.set_schedule(store, world.supervisor, 60)
    pulls = []
    real_sync = ixc_sync.sync

    def counted(*args, **kwargs):
        pulls.append(1)
        time.sleep(0.5)  # a pull takes a while: the others ask while it has not finished
        return real_sync(*args, **kwargs)

    monkeypatch.setattr(ixc_sync, "sync", counted)
    servers = [ixc_scheduler.SyncScheduler(store, cfg(ixc), tick=3600) for _ in range(4)]
    gate = threading.Barrier(len(servers))

    def tick(server):
        gate.wait()
        server.run_once()

    threads = [threading.Thread(target=tick, args=(s,)) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(pulls) == 1, pulls
    assert all(s.run_once() is None for s in servers)  # and nobody again within the hour


def test_a_claimed_sync_that_failed_is_tried_again_after_the_hold(store, ixc, world):
    ixc_sync.set_schedule(store, world.supervisor, 60)
    now = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)
    assert ixc_sync.claim_due(store, now)  # claimed; say its sync then failed (no last sync)
    assert not ixc_sync.claim_due(store, now + timedelta(minutes=1))
    assert ixc_sync.claim_due(store, now + ixc_sync.CLAIM_HOLD + timedelta(seconds=1))


def test_push_a_batch_once(world, ixc):
    w = world
    approved(w, "m1")
    approved(w, "j1", contract="joao")
    done = billing.create_batch(w.store, w.financeiro, *DEC, now=LATER)
    pushed = ixc_sync.push_batch(w.store, w.financeiro, cfg(ixc), done.batch_id)
    assert pushed.sent == 2 and len(ixc.inserted) == 2
    table, body = ixc.inserted[0]
    assert table == "cliente_contrato_descontos" and body["quantidade"] == "1"
    assert body["tipo"] == "desconto" and "protocolo" in body["descricao"]
    with pytest.raises(Exception, match="já foi enviado pela API"):
        ixc_sync.push_batch(w.store, w.financeiro, cfg(ixc), done.batch_id)
    assert len(ixc.inserted) == 2


def test_a_push_refused_at_the_first_discount_may_be_retried(world, ixc):
    w = world
    approved(w, "m1")
    done = billing.create_batch(w.store, w.financeiro, *DEC, now=LATER)
    with pytest.raises(IxcApiError, match="recusou o token"):
        ixc_sync.push_batch(w.store, w.financeiro, cfg(ixc, token="x"), done.batch_id)
    assert ixc_sync.push_batch(w.store, w.financeiro, cfg(ixc), done.batch_id).sent == 1
    assert date(2026, 12, 10).strftime("%d/%m/%Y") == ixc.inserted[0][1]["data"]

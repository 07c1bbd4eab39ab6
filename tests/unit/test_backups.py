"""Backups taken inside the owning process, and restores into a new store (issue 13, item 4)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from lib.domain import DomainError, PermissionDenied
from lib.store import Store, scalar, snapshot
from lib.store.opening import StoreInUse, StoreUnavailable
from lib.usecases import backups
from tests.ticket_factory import discount, plain_tickets

# Another process holding a store file, as a running server does; prints "held" once it has it.
HOLD = """
import sys, time, duckdb
while True:
    try:
        con = duckdb.connect(sys.argv[1])
        break
    except duckdb.IOException:
        time.sleep(0.05)
print("held", flush=True)
time.sleep(120)
"""


def dump(store: Store) -> dict[str, list[tuple]]:
    """Every table's rows, ordered by every column: equal dumps are equal stores."""
    with store.read() as cur:
        tables = [
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()
        ]
        return {t: cur.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_round_trip_every_table_equal_and_sequences_go_on(world, tmp_path):
    for i in range(3):
        discount(world, f"k{i}", days_ago=i * 40, contract=("maria", "joao", "joao2")[i])
    plain_tickets(world, 5)
    before = dump(world.store)
    done = backups.take_backup(world.store, world.supervisor, tmp_path / "bk", keep=5)
    assert done.counts == {t: len(rows) for t, rows in before.items()}
    assert not list((tmp_path / "bk").glob(".*"))  # no temporary file left behind

    restored_path = tmp_path / "restaurada.duckdb"
    counts = backups.restore(done.path, restored_path)
    assert counts == done.counts
    restored = Store(restored_path)
    assert dump(restored) == before

    # The next request gets the same new id and protocol in both stores, past every old one.
    with world.store.read() as cur:
        top_id = scalar(cur, "SELECT max(id) FROM ticket")
        protocols = {r[0] for r in cur.execute("SELECT protocol FROM ticket").fetchall()}
    world.store.close()  # the restored store must go on by itself
    from tests.fixtures import World

    again = World(**{**world.__dict__, "store": restored})
    new_id = discount(again, "depois", days_ago=200)
    with restored.read() as cur:
        new_protocol = scalar(cur, "SELECT protocol FROM ticket WHERE id = ?", [new_id])
        movement_ids = [r[0] for r in cur.execute("SELECT id FROM movement").fetchall()]
    assert new_id == top_id + 1
    assert new_protocol not in protocols
    assert len(movement_ids) == len(set(movement_ids))
    restored.close()


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_a_backup_holds_everything_acknowledged_before_it_began(world, tmp_path):
    """A writer thread keeps committing while the backup runs: every write acknowledged before
    the backup started is in it, and the backup is a consistent cut (no half of anything)."""
    with world.store.transaction() as cur:  # enough rows for the copy to take a moment
        cur.execute(
            "INSERT INTO login_attempt (username, attempted_at, success, detail)"
            " SELECT 'antigo' || i, now(), false, repeat('x', 100) FROM range(300000) r(i)"
        )
    acked: list[tuple[float, int]] = []
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            with world.store.transaction() as cur:
                cur.execute(
                    "INSERT INTO login_attempt (username, attempted_at, success, detail)"
                    " VALUES (?, now(), false, 'carga')",
                    [f"u{n}"],
                )
            acked.append((time.monotonic(), n))

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.3)
    began = time.monotonic()
    done = backups.take_backup(world.store, None, tmp_path / "bk", keep=5)
    time.sleep(0.2)
    stop.set()
    thread.join()
    copy = Store(done.path, read_only=True)
    with copy.read() as cur:
        found = {r[0] for r in cur.execute("SELECT username FROM login_attempt").fetchall()}
    copy.close()
    before = [f"u{n}" for t, n in acked if t < began]
    after = [f"u{n}" for t, n in acked if t > began + done.seconds]
    assert before and after  # the writer ran on both sides of the backup
    assert set(before) <= found
    assert not set(after) & found
    assert len(found) == done.counts["login_attempt"]


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_keeps_the_newest_n(world, tmp_path):
    folder = tmp_path / "bk"
    taken = [backups.take_backup(world.store, None, folder, keep=2) for _ in range(3)]
    listed = backups.list_backups(world.store, world.supervisor, folder)
    assert [b.path for b in listed] == [taken[2].path, taken[1].path]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [taken[1].path.name, taken[1].path.with_suffix(".json").name]
        + [taken[2].path.name, taken[2].path.with_suffix(".json").name]
    )
    assert listed[0].counts["staff"] == 3 and listed[0].size > 0


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_a_backup_that_does_not_verify_is_not_kept(world, tmp_path, monkeypatch):
    monkeypatch.setattr(snapshot, "file_counts", lambda path: {"ticket": -1})
    with pytest.raises(DomainError, match="O backup não conferiu"):
        backups.take_backup(world.store, None, tmp_path / "bk", keep=5)
    assert list((tmp_path / "bk").iterdir()) == []


def test_only_supervisors_take_and_list_backups(world, tmp_path):
    # a permission of its own (not the settings one), named in the refusal
    with pytest.raises(PermissionDenied, match="fazer ou baixar backups"):
        backups.take_backup(world.store, world.financeiro, tmp_path, keep=5)
    with pytest.raises(PermissionDenied, match="fazer ou baixar backups"):
        backups.list_backups(world.store, world.atendente, tmp_path)
    with pytest.raises(PermissionDenied, match="fazer ou baixar backups"):
        backups.backup_file(world.store, world.financeiro, tmp_path, "x.duckdb")
    assert backups.list_backups(world.store, world.supervisor, tmp_path) == []


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_restore_never_writes_over_a_file(world, tmp_path):
    done = backups.take_backup(world.store, None, tmp_path / "bk", keep=5)
    target = tmp_path / "existente.duckdb"
    target.write_bytes(b"")
    with pytest.raises(DomainError, match="já existe"):
        backups.restore(done.path, target)
    assert target.read_bytes() == b""
    with pytest.raises(DomainError, match="já existe"):  # the live store itself
        backups.restore(done.path, Path(world.store.path))


def test_restore_refuses_what_is_not_a_backup_of_ours(tmp_path):
    junk = tmp_path / "lixo.duckdb"
    junk.write_bytes(b"\x00" * 4096)
    with pytest.raises(StoreUnavailable):
        backups.restore(junk, tmp_path / "nova.duckdb")
    assert not (tmp_path / "nova.duckdb").exists()


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_restore_refuses_a_backup_that_changed_since_it_was_taken(world, tmp_path):
    done = backups.take_backup(world.store, None, tmp_path / "bk", keep=5)
    manifest = done.path.with_suffix(".json")
    data = json.loads(manifest.read_text())
    data["counts"]["staff"] = 99
    manifest.write_text(json.dumps(data))
    with pytest.raises(DomainError, match="não confere"):
        backups.restore(done.path, tmp_path / "nova.duckdb")
    assert not [p for p in tmp_path.iterdir() if "nova" in p.name]  # nor its temporary file


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_restore_of_a_backup_held_by_another_process_names_it(world, tmp_path):
    done = backups.take_backup(world.store, None, tmp_path / "bk", keep=5)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(done.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreInUse) as refused:
            backups.restore(done.path, tmp_path / "nova.duckdb")
        assert refused.value.pid == holder.pid
        assert f"processo {holder.pid}" in str(refused.value)
        assert not (tmp_path / "nova.duckdb").exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.duckdb_only("file backups (PostgreSQL's are pg_dump's: test_pg_operations)")
def test_a_failed_copy_leaves_nothing_and_says_why(world, tmp_path, monkeypatch):
    def full_disk(store, dest):
        Path(dest).write_bytes(b"half")  # what a copy cut short leaves behind
        raise duckdb.IOException("IO Error: No space left on device")

    monkeypatch.setattr(snapshot, "copy_store", full_disk)
    with pytest.raises(DomainError, match="O backup falhou e nada foi guardado: .*No space left"):
        backups.take_backup(world.store, None, tmp_path / "bk", keep=5)
    assert list((tmp_path / "bk").iterdir()) == []

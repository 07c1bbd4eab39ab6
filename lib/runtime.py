"""The server process's life around its one store: open it once (checked, migrated, the demo
only in a demo store), print the first start's one-time setup code, take backups on a timer, and
on a clean shutdown (SIGTERM, Ctrl+C) checkpoint and close it so no `.wal` is left.

`start()` is called by `python -m ui.launcher` before Streamlit starts (so a refusal stops the
server from starting at all), or by the first page run when Streamlit is started directly; either
way once per process and store file. Nothing here imports Streamlit.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from lib import auth, config, ixc_scheduler, logs
from lib.auth import User
from lib.bootstrap import fill_demo, needs_demo_data, open_store
from lib.domain import DomainError
from lib.store import Store, is_postgres, shown
from lib.usecases import backups, first_start

_LOCK = threading.Lock()
_RUNNING: dict[str, Runtime] = {}


class BackupScheduler:
    """A daemon thread taking a backup every `every_min` minutes (0: never)."""

    def __init__(self, store: Store, directory: Path, every_min: float, keep: int) -> None:
        self.store, self.directory, self.every_min, self.keep = store, directory, every_min, keep
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.every_min > 0:
            self._thread = threading.Thread(target=self._run, name="desconto-backups", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every_min * 60):
            backup_once(self.store, self.directory, self.keep, why="automático")

    def stop(self, timeout: float = 60) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


class Checkpointer:
    """A daemon thread writing the .wal into the file once it passes `wal_mb`, so no request
    pays for an automatic checkpoint (Store.serve raised DuckDB's own threshold). It runs
    inside the process that owns the store, as every writer must (one process per file). A
    CHECKPOINT refused because a transaction is running is simply tried again next tick."""

    def __init__(self, store: Store, *, every_s: float = 5.0, wal_mb: float = 16.0) -> None:
        self.store, self.every_s, self.wal_bytes = store, every_s, int(wal_mb * 1024 * 1024)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="desconto-checkpoint", daemon=True)
        self._thread.start()

    def tick(self) -> bool:
        """Checkpoint now when the .wal is past the size; True when it did."""
        if self.store.wal_bytes() < self.wal_bytes:
            return False
        try:
            self.store.checkpoint()
        except duckdb.Error:
            return False  # a transaction was running: next tick
        return True

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                self.tick()
            except Exception as exc:  # never let the thread die silently
                logs.unexpected(logs.new_error_id(), exc, user=None, page="checkpoint")

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


class DemoSeeder:
    """Fills a new demo store in a daemon thread, so the login page is drawn at once (issue 17:
    the demo's first start took over 5 s before the first page). The demo is one transaction
    (lib.bootstrap.fill_demo): until it commits, every reader sees an empty store, and a server
    stopped mid-seed leaves nothing of it, so the next start seeds again. A login waits for it
    (`Runtime.wait_for_demo`), so no page is reached before the data is complete."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="desconto-demo", daemon=True)

    def start(self) -> DemoSeeder:
        self._thread.start()
        return self

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            fill_demo(self.store)
        except BaseException as exc:  # kept for wait(); logged with an id, never silently lost
            self.error = exc
            logs.unexpected(logs.new_error_id(), exc, user=None, page="dados de demonstração")
        else:
            logs.event(
                "dados de demonstração criados", seconds=f"{time.perf_counter() - started:.1f}"
            )
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def ok(self) -> bool:
        return self._done.is_set() and self.error is None

    def wait(self, timeout: float | None = None) -> bool:
        """True once it has finished (well or not) within `timeout` seconds."""
        return self._done.wait(timeout)


def backup_once(
    store: Store, directory: Path, keep: int, *, why: str, actor: User | None = None
) -> backups.Backup | None:
    """One backup, logged; an automatic backup that fails is logged with an error id and the
    scheduler tries again next time (a person's request raises to the page)."""
    try:
        done = backups.take_backup(store, actor, directory, keep)
    except Exception as exc:
        if actor is not None:
            raise
        logs.unexpected(logs.new_error_id(), exc, user=None, page="backup " + why)
        return None
    logs.event(
        "backup",
        why=why,
        file=done.path,
        size=done.size,
        rows=done.rows,
        seconds=f"{done.seconds:.2f}",
        user=actor.username if actor else None,
    )
    return done


@dataclass
class Runtime:
    path: str
    store: Store
    demo: bool
    backup_dir: Path
    backup_every_min: float
    backup_keep: int
    setup_code: str | None = None
    setup_file: Path | None = None
    scheduler: BackupScheduler | None = None
    checkpointer: Checkpointer | None = None
    ixc_sync: ixc_scheduler.SyncScheduler | None = None  # only with [ixc] in secrets.toml
    demo_seeder: DemoSeeder | None = None  # a new demo store being filled (in the background)
    _setup_lock: threading.Lock = field(default_factory=threading.Lock)
    _demo_lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    # --- first start --------------------------------------------------------------------------
    def _announce_setup(self) -> None:
        self.setup_code = first_start.new_setup_code()
        self.setup_file = config.setup_code_file(self.path)
        written = _write_private(self.setup_file, self.setup_code + "\n")
        logs.event(
            f"Configuração inicial: nenhum usuário nesta base. Abra a aplicação no navegador e "
            f"crie o primeiro supervisor com o código {self.setup_code} (válido uma vez, até o "
            f"servidor reiniciar)",
            level=logging.WARNING,
            file=self.setup_file if written else None,
        )

    def needs_setup(self) -> bool:
        return self.setup_code is not None and first_start.needs_setup(self.store)

    def create_first_supervisor(
        self, code: str, *, client_address: str | None = None, **fields: str
    ) -> int:
        """The login page's "Configuração inicial": one supervisor, then the code is spent."""
        with self._setup_lock:
            user_id = first_start.create_first_supervisor(
                self.store, self.setup_code, code, client_address=client_address, **fields
            )
            self.setup_code = None
            if self.setup_file is not None:
                self.setup_file.unlink(missing_ok=True)
        logs.event("configuração inicial concluída", user=fields.get("username"))
        return user_id

    # --- the demo's data ------------------------------------------------------------------------
    def demo_pending(self) -> bool:
        """A demo store whose data is not there yet (being filled, or the filling failed)."""
        return self.demo_seeder is not None and not self.demo_seeder.ok()

    def wait_for_demo(self, timeout: float = 300) -> None:
        """Return once the demo's data is complete (at once when it already is). A filling that
        failed is started again (it left nothing behind); raises DomainError (pt-BR) when the
        data still is not there."""
        seeder = self.demo_seeder
        if seeder is None or seeder.ok():
            return
        with self._demo_lock:  # one filling at a time, even with many logins waiting
            seeder = self.demo_seeder
            assert seeder is not None
            if seeder.done() and seeder.error is not None and not self._closed:
                self.demo_seeder = seeder = DemoSeeder(self.store).start()
        if not seeder.wait(timeout) or seeder.error is not None:
            raise DomainError(
                "Os dados de demonstração ainda não estão prontos: a preparação da base falhou "
                "ou está demorando. Tente entrar de novo em instantes; se continuar, veja o "
                "registro do servidor."
            )

    # --- backups ------------------------------------------------------------------------------
    def backup_now(self, actor: User) -> backups.Backup | None:
        return backup_once(self.store, self.backup_dir, self.backup_keep, why="manual", actor=actor)

    # --- shutdown -----------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the backups, write the .wal into the file and close the store (at exit)."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.demo_seeder is not None:  # its one transaction commits or rolls back first
                self.demo_seeder.wait(120)
            if self.scheduler is not None:
                self.scheduler.stop()
            if self.checkpointer is not None:
                self.checkpointer.stop()
            if self.ixc_sync is not None:
                self.ixc_sync.stop()
            for _ in range(100):  # a page's transaction may still be finishing
                try:
                    self.store.checkpoint()
                    break
                except duckdb.Error:
                    time.sleep(0.1)
            self.store.close()
            if self.setup_file is not None:
                self.setup_file.unlink(missing_ok=True)
            wal = None if is_postgres(self.path) else Path(f"{self.path}.wal").exists()
            logs.event("base fechada", db=shown(self.path), wal=wal)
        except Exception as exc:  # at exit: say it, never raise
            logs.unexpected(logs.new_error_id(), exc, user=None, page="encerramento")


def _write_private(path: Path, text: str) -> bool:
    """Write `text` to `path` readable only by this user (0600); False when it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # an older file may have had wider permissions
            os.write(fd, text.encode())
        finally:
            os.close(fd)
        return True
    except OSError as exc:
        logs.event("não foi possível gravar o código", level=logging.WARNING, error=exc)
        return False


def start(path: str | None = None) -> Runtime:
    """The process's runtime for the store at `path` (default DESCONTO_DB), started on the
    first call. Raises StoreUnavailable (pt-BR) when the file cannot be this app's store, and
    ValueError (pt-BR) for a bad setting."""
    path = path or config.db_path()
    path = path if is_postgres(path) else os.path.realpath(path)
    with _LOCK:
        if (running := _RUNNING.get(path)) is not None:
            return running
        every, keep, directory = (
            config.backup_every_min(),
            config.backup_keep(),
            config.backup_dir(),
        )
        memory_mb = config.duckdb_memory_mb()
        store = open_store(path, seed=False)
        store.serve(memory_limit_mb=memory_mb)
        # computed now, so the first login of an unknown name takes no longer; in a thread, so
        # the login page does not wait for its 0.1-0.2 s (issue 17: start-up to the login page)
        threading.Thread(target=auth.dummy_hash, name="desconto-dummy-hash", daemon=True).start()
        rt = Runtime(path, store, first_start.is_demo(store), directory, every, keep)
        if needs_demo_data(store):  # once per process: under _LOCK, never twice
            rt.demo_seeder = DemoSeeder(store).start()
        logs.event(
            "base aberta",
            db=shown(path),
            demo="sim" if rt.demo else "não",
            version=store.schema_version(),
            backups="pelos operadores do PostgreSQL (pg_dump)"
            if is_postgres(path)
            else f"a cada {every:g} min em {directory}, mantendo {keep}"
            if every
            else "desligados",
            pid=os.getpid(),
        )
        if first_start.needs_setup(store):
            rt._announce_setup()
        if not is_postgres(path):  # a PostgreSQL store's backups are its operators' (pg_dump)
            rt.scheduler = BackupScheduler(store, directory, every, keep)
            rt.scheduler.start()
            rt.checkpointer = Checkpointer(store)  # nor has it a .wal file to checkpoint
            rt.checkpointer.start()
        # only when [ixc] is in secrets.toml; shutdown stops it before the store closes
        rt.ixc_sync = ixc_scheduler.start_scheduler(store)
        atexit.register(rt.shutdown)
        _RUNNING[path] = rt
        return rt


def stop_all() -> None:
    """Shut down every runtime of this process now (what exit does; for test harnesses)."""
    with _LOCK:
        running = list(_RUNNING.values())
        _RUNNING.clear()
    for rt in running:
        rt.shutdown()

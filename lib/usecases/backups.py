"""Backups: take one (the server's scheduler, a supervisor's "Fazer backup agora", or
`lib.admin backup` on a stopped server), list them, keep the newest N, and restore one into a
new store.

A backup is a consistent snapshot taken inside the process that holds the store
(lib.store.snapshot): everything committed before it began, nothing half-written. It is written
under a temporary name, verified by opening it and counting every table's rows against the
counts taken in the snapshot, and only then renamed to `<store>-YYYYMMDD-HHMMSS-mmm.duckdb`,
with a `.json` beside it (time, size, row counts, seconds taken) that the Backups page lists.

A PostgreSQL store (issue 18) is backed up by its operators, with the server's own tools
(pg_dump / pg_restore, pg_basebackup, replicas): this app takes no file backup of it, and
`pg_dump_commands` gives the commands the Backups page and `lib.admin` show instead.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from lib.auth import Perm, User, require
from lib.domain import TZ, DomainError, now
from lib.store import Store, is_postgres, snapshot, without_password
from lib.store.opening import Kind, check_file, in_use

# One backup at a time per process (the scheduler and a supervisor's click may meet).
_LOCK = threading.Lock()
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    size: int
    counts: dict[str, int]
    seconds: float

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class PgDumpCommands:
    """How the operators back up and restore a PostgreSQL store (no password in them)."""

    dump: str
    restore: str


def pg_dump_commands(url: str) -> PgDumpCommands:
    """pg_dump / pg_restore command lines for the PostgreSQL store at `url`, ready to copy: its
    password left out (the tools read it from PGPASSWORD or ~/.pgpass; it is never shown)."""
    target = shlex.quote(without_password(url))
    found = re.search(r"search_path(?:%3D|=)([A-Za-z_][A-Za-z0-9_]*)", url)
    schema = f" --schema={found.group(1)}" if found and found.group(1) != "public" else ""
    return PgDumpCommands(
        dump=f"pg_dump --format=custom{schema} --file=desconto-AAAAMMDD.dump {target}",
        restore=f"pg_restore --no-owner --dbname={target} desconto-AAAAMMDD.dump",
    )


def operator_commands(store: Store, actor: User) -> PgDumpCommands | None:
    """For a PostgreSQL store, the pg_dump / pg_restore commands its operators run (this app
    takes no backup of it); None for a DuckDB store, whose backups this server takes."""
    require(actor, Perm.MANAGE_BACKUPS)
    return pg_dump_commands(store.path) if is_postgres(store.path) else None


def operators_backups(url: str) -> str:
    """Why this app takes no backup of a PostgreSQL store, and what to run instead (pt-BR)."""
    commands = pg_dump_commands(url)
    return (
        "Esta base é PostgreSQL: os backups são dos operadores do banco, com as ferramentas do "
        "próprio PostgreSQL (pg_dump e pg_restore, ou pg_basebackup e réplicas), não desta "
        f"aplicação. Para um backup: `{commands.dump}`. Para restaurar num banco novo, vazio: "
        f"`{commands.restore}`. A senha vai em PGPASSWORD ou ~/.pgpass."
    )


def _refuse_postgres(store: Store) -> None:
    if is_postgres(store.path):
        raise DomainError(operators_backups(store.path))


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}-\d{{8}}-\d{{6}}-\d{{3}}\.duckdb$")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def take_backup(store: Store, actor: User | None, directory: Path, keep: int) -> Backup:
    """Snapshot the store into `directory`, verify it, and keep the newest `keep` backups.

    `actor=None` is the server's scheduler or the command line (whoever runs those already
    holds the store)."""
    if actor is not None:
        require(actor, Perm.MANAGE_BACKUPS)
    _refuse_postgres(store)
    stem = Path(store.path).stem
    with _LOCK:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DomainError(
                f"Não foi possível criar a pasta de backups {directory}: {exc}"
            ) from exc
        started = time.perf_counter()
        taken_at = now()
        name = f"{stem}-{taken_at.strftime(_STAMP)}-{taken_at.microsecond // 1000:03d}.duckdb"
        final = directory / name
        tmp = directory / f".{name}.tmp"
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
        try:
            counts = snapshot.copy_store(store, tmp)
            _verify(tmp, counts)
            _fsync(tmp)
            os.replace(tmp, final)
        except (duckdb.Error, OSError) as exc:  # a full disk, a folder gone read-only...
            raise DomainError(f"O backup falhou e nada foi guardado: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
        backup = Backup(
            final, taken_at, final.stat().st_size, counts, time.perf_counter() - started
        )
        _write_manifest(backup)
        _prune(directory, stem, keep)
    return backup


def _verify(path: Path, counts: dict[str, int]) -> None:
    found = snapshot.file_counts(path)
    if found != counts:
        wrong = sorted(t for t in counts.keys() | found.keys() if counts.get(t) != found.get(t))
        raise DomainError(
            f"O backup não conferiu (tabelas com contagem diferente: {', '.join(wrong)}); "
            "nada foi guardado."
        )


def _manifest_path(backup: Path) -> Path:
    return backup.with_suffix(".json")


def _write_manifest(backup: Backup) -> None:
    data = {
        "file": backup.name,
        "taken_at": backup.taken_at.isoformat(),
        "size": backup.size,
        "seconds": round(backup.seconds, 3),
        "counts": backup.counts,
    }
    target = _manifest_path(backup.path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, target)


def _read(path: Path) -> Backup | None:
    try:
        data = json.loads(_manifest_path(path).read_text("utf-8"))
        return Backup(
            path,
            datetime.fromisoformat(data["taken_at"]),
            path.stat().st_size,
            {str(k): int(v) for k, v in data["counts"].items()},
            float(data["seconds"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a backup without its manifest still shows, without counts


def _backups(directory: Path, stem: str) -> list[Path]:
    if not directory.is_dir():
        return []
    pattern = _pattern(stem)
    return sorted((p for p in directory.iterdir() if pattern.match(p.name)), reverse=True)


def _prune(directory: Path, stem: str, keep: int) -> None:
    for old in _backups(directory, stem)[keep:]:
        old.unlink(missing_ok=True)
        _manifest_path(old).unlink(missing_ok=True)


def list_backups(store: Store, actor: User, directory: Path) -> list[Backup]:
    """This store's backups in `directory`, newest first (none for a PostgreSQL store)."""
    require(actor, Perm.MANAGE_BACKUPS)
    if is_postgres(store.path):
        return []
    out = []
    for path in _backups(directory, Path(store.path).stem):
        found = _read(path)
        if found is None:
            try:
                stamp = datetime.strptime(path.stem.rsplit("-", 1)[0][-15:], _STAMP)
                found = Backup(path, stamp.replace(tzinfo=TZ), path.stat().st_size, {}, 0.0)
            except (OSError, ValueError):
                continue
        out.append(found)
    return out


def backup_file(store: Store, actor: User, directory: Path, name: str) -> Path:
    """The path of one of this store's backups, by name (for the download)."""
    require(actor, Perm.MANAGE_BACKUPS)
    _refuse_postgres(store)
    for path in _backups(directory, Path(store.path).stem):
        if path.name == name:
            return path
    raise DomainError(f"Backup {name} não encontrado.")


def restore(backup: Path, new_db: Path) -> dict[str, int]:
    """Write a new store at `new_db` from `backup` and check it; returns its rows per table.

    Never writes over anything: `new_db` must not exist (so never over a store in use)."""
    for either in (backup, new_db):
        if is_postgres(either):
            raise DomainError(operators_backups(str(either)))
    backup, new_db = Path(backup), Path(new_db)
    for existing in (new_db, Path(f"{new_db}.wal")):
        if existing.exists() or existing.is_symlink():
            raise DomainError(
                f"{existing} já existe: a restauração só escreve num arquivo novo, nunca sobre "
                "uma base. Escolha outro caminho em --db (e aponte DESCONTO_DB para ele)."
            )
    if check_file(backup) != Kind.OURS:
        raise DomainError(f"{backup} não é um backup desta aplicação (está vazio).")
    check_file(new_db)  # the folder must be writable
    new_db.parent.mkdir(parents=True, exist_ok=True)
    tmp = new_db.with_name(f".{new_db.name}.restaurando")
    for leftover in (tmp, Path(f"{tmp}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        try:
            counts = snapshot.copy_file(backup, tmp)
        except duckdb.Error as exc:  # taken by another process since check_file looked
            raise in_use(backup, exc) or exc from exc
        _verify(tmp, counts)
        if snapshot.sequence_values(tmp) != snapshot.sequence_values(backup):
            raise DomainError(
                "A cópia restaurada não tem as sequências do backup: IDs e protocolos poderiam "
                "se repetir. Nada foi escrito."
            )
        if (listed := _read(backup)) is not None and listed.counts != counts:
            raise DomainError(
                f"{backup} não confere com a lista de linhas gravada quando foi feito "
                f"({_manifest_path(backup).name}): o arquivo foi alterado ou está incompleto."
            )
        _fsync(tmp)
        os.link(tmp, new_db)  # unlike a rename, refuses to replace a file created meanwhile
    except FileExistsError as exc:
        raise DomainError(f"{new_db} apareceu durante a restauração; nada foi escrito.") from exc
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return counts

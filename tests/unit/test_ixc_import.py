"""Issue 14, item 1: IXC listings in (CSV/XLSX, UTF-8/Latin-1, `;`/`,`), dry run, idempotent
import, refusals with their reasons, the command line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from lib.auth import Role, User
from lib.domain import PermissionDenied
from lib.ixc_files import decode, read_table, sniff_delimiter
from lib.store import Store
from lib.usecases import ixc_import as imp

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "ixc"
GOOD = ("clientes.csv", "contratos.csv", "logins.csv")
BROKEN = ("clientes_quebrados.csv", "contratos_quebrados.csv", "logins_quebrados.csv")


def sources(names, data=None):
    return [
        imp.load_file(kind, (data or {}).get(name) or (DATA / name).read_bytes(), name)
        for kind, name in zip(imp.KINDS, names, strict=True)
    ]


def counts(results):
    return [tuple(r.counts.values()) for r in results]  # (created, updated, unchanged, refused)


def table_counts(store: Store) -> tuple[int, int, int]:
    with store.read() as cur:
        return tuple(  # type: ignore[return-value]
            cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("customer", "contract", "login")
        )


def test_dry_run_writes_nothing_and_predicts_the_real_run(store):
    dry = imp.dry_run(store, None, sources(GOOD))
    assert counts(dry) == [(4, 0, 0, 0), (4, 0, 0, 0), (3, 0, 0, 0)]
    assert table_counts(store) == (0, 0, 0)
    done = imp.run_import(store, None, sources(GOOD))
    assert counts(done) == counts(dry)
    assert table_counts(store) == (4, 4, 3)


def test_a_second_import_changes_nothing(store):
    imp.run_import(store, None, sources(GOOD))
    with store.read() as cur:
        before = [
            cur.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("customer", "contract", "login")
        ]
    again = imp.run_import(store, None, sources(GOOD))
    assert counts(again) == [(0, 0, 4, 0), (0, 0, 4, 0), (0, 0, 3, 0)]
    with store.read() as cur:
        after = [
            cur.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
            for t in ("customer", "contract", "login")
        ]
    assert after == before
    with store.read() as cur:
        assert cur.execute("SELECT count(*) FROM ixc_import").fetchone()[0] == 6


def test_a_changed_row_is_updated_in_place(store):
    imp.run_import(store, None, sources(GOOD))
    text = (
        (DATA / "contratos.csv")
        .read_text("utf-8")
        .replace("7002,502,FIBRA 500MB,13,A,CA,129.90", "7002,502,FIBRA 600MB,13,A,A,149.90")
    )
    result = imp.run_import(store, None, sources(GOOD, {"contratos.csv": text.encode()}))
    assert counts(result)[1] == (0, 1, 3, 0)
    assert "monthly_fee" in result[1].rows[1].reason
    with store.read() as cur:
        row = cur.execute(
            "SELECT plan, monthly_fee, status FROM contract WHERE ixc_id = 7002"
        ).fetchall()
    assert [(p, str(f), s) for p, f, s in row] == [("FIBRA 600MB", "149.90", "A")]


def test_broken_rows_are_refused_with_their_reason(store):
    imp.run_import(store, None, sources(GOOD))
    dry = imp.dry_run(store, None, sources(BROKEN))
    assert counts(dry) == [(1, 0, 0, 6), (1, 0, 0, 5), (1, 0, 0, 4)]
    reasons = {(r.ixc_id, r.reason) for f in dry for r in f.rows if r.outcome == "recusar"}
    text = " | ".join(r for _, r in sorted(reasons))
    for expected in [
        "CPF 217.834.793-28 inválido",
        "id 703 repetido no arquivo",
        "cliente 999 não encontrado",
        "mensalidade negativa",
        "mensalidade em branco",
        "1e1",
        "o contrato 7001 pertence a outro cliente",
        "o login helena.duarte já existe",
    ]:
        assert expected in text, expected
    # both rows with the repeated id are refused, with their line numbers
    assert [r.line for r in dry[0].rows if r.ixc_id == "703"] == [4, 5]
    done = imp.run_import(store, None, sources(BROKEN))
    assert counts(done) == counts(dry)
    assert table_counts(store) == (5, 5, 4)


def test_latin1_file_with_accents(store):
    src = imp.load_file("cliente", (DATA / "clientes_latin1.csv").read_bytes(), "x.csv")
    assert src.table.encoding == "cp1252" and src.table.delimiter == ";"
    imp.run_import(store, None, [src])
    with store.read() as cur:
        names = [r[0] for r in cur.execute("SELECT name FROM customer ORDER BY ixc_id").fetchall()]
        lat = cur.execute("SELECT latitude FROM customer WHERE ixc_id = 602").fetchone()[0]
    assert names == ["João Conceição Araújo", "Françoise Lúcia Brandão"]
    assert lat == pytest.approx(-23.27)
    with store.read() as cur:  # an empty coordinate is NULL, never NaN
        assert cur.execute("SELECT latitude FROM customer WHERE ixc_id = 601").fetchone() == (None,)


def test_xlsx_with_ixc_columns(store):
    book = Workbook()
    sheet = book.active
    lines = (DATA / "clientes.csv").read_text("utf-8").splitlines()
    for line in lines:
        sheet.append([int(c) if c.isdigit() and len(c) < 6 else c for c in line.split(";")])
    buf = io.BytesIO()
    book.save(buf)
    src = imp.load_file("cliente", buf.getvalue(), "clientes.xlsx")
    assert src.table.encoding == "xlsx"
    assert counts(imp.run_import(store, None, [src])) == [(4, 0, 0, 0)]


def test_encoding_and_delimiter_detection():
    assert decode("ç".encode())[1] == "utf-8"
    assert decode("ç".encode("cp1252"))[1] == "cp1252"
    assert decode(b"\xef\xbb\xbfid") == ("id", "utf-8")
    assert sniff_delimiter("id;razao;cnpj_cpf") == ";"
    assert sniff_delimiter("id,razao,cnpj_cpf") == ","
    assert sniff_delimiter('id;"razao, fantasia";x') == ";"
    table = read_table(b"cliente.id,cliente.razao\n1,A\n\n", "a.csv")
    assert table.headers == ["id", "razao"] and len(table.rows) == 1


def test_a_file_of_the_wrong_kind_is_named():
    with pytest.raises(Exception, match="Parece um arquivo de contratos"):
        imp.load_file("cliente", (DATA / "contratos.csv").read_bytes(), "contratos.csv")


def test_only_a_supervisor_imports(world):
    with pytest.raises(PermissionDenied):
        imp.run_import(world.store, world.financeiro, sources(GOOD))
    off = User(world.supervisor.id, "s", "S", Role.SUPERVISOR, active=False)
    with pytest.raises(PermissionDenied):
        imp.dry_run(world.store, off, sources(GOOD))
    assert counts(imp.dry_run(world.store, world.supervisor, sources(GOOD)))[0] == (4, 0, 0, 0)


def test_command_line_imports_then_changes_nothing(tmp_path):
    db = tmp_path / "cli.duckdb"
    empty = Store(db)
    empty.migrate()
    empty.close()
    args = [
        sys.executable,
        "-m",
        "lib.admin",
        "import-ixc",
        "--db",
        str(db),
        *(str(DATA / n) for n in GOOD),
    ]
    first = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert (
        "Clientes (clientes.csv): 4 criados, 0 atualizados, 0 sem mudança, 0 recusados"
        in first.stdout
    )
    second = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (
        "Logins (logins.csv): 0 criados, 0 atualizados, 3 sem mudança, 0 recusados" in second.stdout
    )
    dry = subprocess.run(
        [*args[:4], "--dry-run", *args[4:6], str(DATA / BROKEN[0])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # a refused row is listed, and the exit code says some were left out (a cron job alerts)
    assert dry.returncode == 3, dry.stderr
    assert "linha 3 (id 702): CPF 217.834.793-28 inválido" in dry.stdout
    assert "Simulação: nada foi gravado." in dry.stdout
    assert "recusada(s) ficaram de fora" in dry.stderr and "Traceback" not in dry.stderr


def test_a_spreadsheet_cpf_that_lost_its_leading_zero(store):
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "razao", "cnpj_cpf"])
    sheet.append([801, "Zero à Esquerda", 1000000028])  # 010.000.000-28 typed as a number
    sheet.append([802, "Outro", 1000000029])  # wrong check digit, padded or not
    buf = io.BytesIO()
    book.save(buf)
    result = imp.run_import(store, None, [imp.load_file("cliente", buf.getvalue(), "c.xlsx")])
    assert [r.outcome for r in result[0].rows] == ["criar", "recusar"]
    with store.read() as cur:
        assert cur.execute("SELECT cpf_cnpj FROM customer").fetchall() == [("01000000028",)]


def test_a_failed_file_says_what_was_kept(store, monkeypatch):
    from lib.domain import StaleState

    real = imp._run_one

    def conflict(cur, src, progress):
        if src.kind == "cliente_contrato":
            raise StaleState("Outro usuário alterou este registro ao mesmo tempo.")
        return real(cur, src, progress)

    monkeypatch.setattr(imp, "_run_one", conflict)
    with pytest.raises(
        StaleState, match="Já gravado antes: Clientes \\(clientes.csv\\): 4 criados"
    ):
        imp.run_import(store, None, sources(GOOD))
    assert table_counts(store) == (4, 0, 0)


def test_two_imports_at_once_never_duplicate(store, monkeypatch):
    """Two supervisors import the same customers at the same moment: both check before either
    writes; one is refused as a stale screen, nothing is doubled."""
    import threading

    from lib.domain import DomainError

    barrier = threading.Barrier(2, timeout=10)
    real = imp.Index.load

    def both_read_first(cur, kind):
        found = real(cur, kind)
        barrier.wait()
        return found

    monkeypatch.setattr(imp.Index, "load", staticmethod(both_read_first))
    outcomes: list[object] = []

    def run():
        try:
            outcomes.append(imp.run_import(store, None, sources(GOOD)[:1]))
        except DomainError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(outcomes) == 2 and len(refused) == 1, outcomes
    assert table_counts(store) == (4, 0, 0)

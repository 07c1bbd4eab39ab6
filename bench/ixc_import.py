"""IXC import at the size of a regional ISP: dry run, first import and a repeated import.

    python -m bench.ixc_import [--customers 20000]

Writes IXC-shaped CSV listings (customers with valid CPFs, one contract and one login each)
into a temporary folder, then times, on a new store: the dry run of the three files, the real
import, and a second import of the same files (everything unchanged).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from lib.store import Store
from lib.usecases import ixc_import as imp


def cpf(rng: random.Random) -> str:
    base = [rng.randrange(10) for _ in range(9)]
    for size in (9, 10):
        total = sum(d * (size + 1 - i) for i, d in enumerate(base))
        base.append(total * 10 % 11 % 10)
    return "".join(map(str, base))


def write_files(folder: Path, n: int) -> list[Path]:
    rng = random.Random(14)
    customers = ["id;razao;cnpj_cpf;fone;endereco;numero;bairro;cidade;latitude;longitude"]
    contracts = ["id;id_cliente;contrato;status;status_internet;valor_unitario;dia_fixo_vencimento"]
    logins = ["id;login;id_cliente;id_contrato;id_caixa_ftth"]
    for i in range(1, n + 1):
        customers.append(
            f"{i};Cliente {i};{cpf(rng)};4399{i:07d};Rua {i % 300};{i % 999};Centro;Londrina;"
            f"-23.{rng.randrange(10**6)};-51.{rng.randrange(10**6)}"
        )
        contracts.append(f"{100000 + i};{i};FIBRA 300MB;A;A;99,90;{1 + i % 28}")
        logins.append(f"{500000 + i};cliente{i};{i};{100000 + i};CTO-{i % 400}")
    paths = []
    for name, lines in (("clientes", customers), ("contratos", contracts), ("logins", logins)):
        path = folder / f"{name}.csv"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_files(folder, args.customers)
        sources = [
            imp.load_file(k, p.read_bytes(), p.name) for k, p in zip(imp.KINDS, paths, strict=True)
        ]
        text = paths[1].read_text("utf-8").replace(";99,90;", ";109,90;")
        raised = [imp.load_file("cliente_contrato", text.encode(), "contratos.csv")]
        store = Store(folder / "bench.duckdb")
        store.migrate()
        for label, run in (
            ("simulação (dry run)", lambda: imp.dry_run(store, None, sources)),
            ("importação", lambda: imp.run_import(store, None, sources)),
            ("reimportação (sem mudança)", lambda: imp.run_import(store, None, sources)),
            (
                "reimportação (todas as mensalidades mudam)",
                lambda: imp.run_import(store, None, raised),
            ),
        ):
            start = time.perf_counter()
            results = run()
            seconds = time.perf_counter() - start
            counts = [r.counts for r in results]
            print(
                f"{label:42s} {sum(len(s.table.rows) for s in (raised if 'mudam' in label else sources))} linhas em {seconds:6.1f} s "
                f"{counts[0]}"
            )
        store.close()


if __name__ == "__main__":
    main()

"""Blocks of the "Importar do IXC" page: the three uploads, the row-by-row report of a dry run
or an import, and the log of past runs."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from lib import fmt
from lib.usecases import ixc_import as imp

UPLOAD = "ixc_up_"  # + kind
LABELS = {
    "cliente": "Clientes (cliente)",
    "cliente_contrato": "Contratos (cliente_contrato)",
    "radusuarios": "Logins (radusuarios)",
}


def uploads() -> dict[str, tuple[str, bytes]]:
    """The files chosen, by kind: (name, bytes)."""
    cols = st.columns(3)
    chosen = {}
    for col, kind in zip(cols, imp.KINDS, strict=True):
        up = col.file_uploader(LABELS[kind], type=["csv", "xlsx"], key=UPLOAD + kind)
        if up is not None:
            chosen[kind] = (up.name, up.getvalue())
    return chosen


def fingerprint(files: dict[str, tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for kind in sorted(files):
        name, data = files[kind]
        digest.update(f"{kind}:{name}:{len(data)}:".encode())
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def report(results: list[imp.FileResult], *, done: bool) -> None:
    """Per file: the counts, then every row that is not 'unchanged', refusals first."""
    for result in results:
        c = result.counts
        st.markdown(f"**{LABELS[result.kind]}** · {_source(result)}")
        m = st.columns(4)
        m[0].metric("Criados" if done else "A criar", c["criar"])
        m[1].metric("Atualizados" if done else "A atualizar", c["atualizar"])
        m[2].metric("Sem mudança", c["sem_mudanca"])
        m[3].metric("Recusados", c["recusar"])
        shown = sorted(
            (r for r in result.rows if r.outcome != "sem_mudanca"),
            key=lambda r: (r.outcome != "recusar", r.line),
        )
        if shown:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Linha": r.line,
                            "ID no IXC": r.ixc_id,
                            "Nome / plano / login": r.label,
                            "Resultado": (imp.DONE_LABELS if done else imp.OUTCOME_LABELS)[
                                r.outcome
                            ],
                            "Motivo / o que muda": r.reason,
                        }
                        for r in shown
                    ]
                ),
                hide_index=True,
                width="stretch",
                key=f"ixc_rows_{result.kind}_{'done' if done else 'dry'}",
            )


def _source(result: imp.FileResult) -> str:
    from ui.text import plain

    enc = {"utf-8": "UTF-8", "cp1252": "Latin-1 (CP1252)", "latin-1": "Latin-1", "xlsx": "XLSX"}
    parts = [plain(result.file_name), enc.get(result.encoding, result.encoding)]
    if result.delimiter:
        parts.append(f"separador “{result.delimiter}”")
    return " · ".join(parts)


def runs(items: list[dict]) -> None:
    if not items:
        st.caption("Nenhuma importação ainda.")
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Quando": fmt.day_time(r["started_at"]),
                    "Origem": "API" if r["source"] == "api" else "Arquivo",
                    "Tipo": imp.KIND_LABELS[r["kind"]],
                    "Arquivo": r["file_name"],
                    "Por": r["staff"] or "linha de comando / agendado",
                    "Criados": r["created"],
                    "Atualizados": r["updated"],
                    "Sem mudança": r["unchanged"],
                    "Recusados": r["refused"],
                }
                for r in items
            ]
        ),
        hide_index=True,
        width="stretch",
    )

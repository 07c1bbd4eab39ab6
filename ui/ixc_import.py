"""Blocks of the "Importar do IXC" page: the three uploads, the row-by-row report of a dry run
or an import, and the log of past runs."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import User
from lib.domain import DomainError
from lib.ixc_api import IxcApiError, load_config
from lib.store import Store
from lib.usecases import ixc_import as imp
from lib.usecases import ixc_sync
from ui import errors
from ui.text import plain

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


def report(results: list[imp.FileResult], *, done: bool, key: str = "file") -> None:
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
                key=f"ixc_rows_{key}_{result.kind}_{'done' if done else 'dry'}",
            )


def _source(result: imp.FileResult) -> str:
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


API_DONE = "ixc_api_done"


def api_block(store: Store, user: User) -> None:
    """Sync from IXC's API: on demand (simulate first, or straight away) and the schedule."""
    st.subheader("Sincronizar pela API do IXC")
    try:
        cfg = load_config()
    except IxcApiError as exc:
        st.error(plain(str(exc)))
        return
    if cfg is None:
        st.info(
            "A API do IXC não está configurada. Para usá-la, adicione a seção [ixc] (url e "
            "token do usuário da API) em .streamlit/secrets.toml e reinicie o servidor; as "
            "importações por arquivo acima funcionam sem ela."
        )
        return
    st.caption(plain(f"Servidor: {cfg.url} · busca só o que mudou desde a última sincronização."))
    a, b, c = st.columns([1, 1, 2])
    dry = a.button("Simular sincronização", key="ixc_api_dry", icon=":material/fact_check:")
    now = b.button("Sincronizar agora", key="ixc_api_run", type="primary", icon=":material/sync:")
    with c.form("ixc_schedule", border=False):
        every = st.number_input(
            "Sincronizar automaticamente a cada (min; 0 = desligado)",
            min_value=0,
            max_value=ixc_sync.MAX_EVERY_MIN,
            value=ixc_sync.schedule_minutes(store),
            step=15,
        )
        if st.form_submit_button("Salvar intervalo"):
            try:
                ixc_sync.set_schedule(store, user, int(every))
                st.success("Intervalo salvo.")
            except DomainError as exc:
                st.error(plain(errors.refusal(exc)))
    if dry or now:
        try:
            with st.spinner("Consultando o IXC…"):
                results = ixc_sync.sync(store, user, cfg, dry_run=bool(dry))
        except DomainError as exc:
            st.error(plain(errors.refusal(exc)), icon=":material/block:")
        else:
            st.session_state[API_DONE] = (bool(now), results)
    if found := st.session_state.get(API_DONE):
        done, results = found
        st.markdown("**Resultado da sincronização**" if done else "**Simulação: nada gravado**")
        report(results, done=done, key="api")

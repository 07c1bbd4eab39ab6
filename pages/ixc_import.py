"""Importar do IXC (supervisors): the IXC listings of customers, contracts and logins, first
simulated row by row, then imported with a progress bar (lib.usecases.ixc_import)."""

import streamlit as st

from lib.auth import Perm
from lib.domain import DomainError
from lib.usecases import ixc_import as imp
from ui import errors, session
from ui import ixc_import as view
from ui.text import plain

DRY = "ixc_dry"  # (fingerprint, results) of the last dry run
DONE = "ixc_done"

user = session.require(Perm.IMPORT_CUSTOMERS)
store = session.store()
st.title("Importar do IXC")
st.caption(
    "Envie as listagens exportadas do IXC Soft (CSV ou XLSX, com os nomes de coluna do IXC): "
    "clientes, contratos e logins. Primeiro simule: cada linha é conferida e o relatório diz o "
    "que será criado, atualizado, mantido ou recusado, e por quê. Importar de novo o mesmo "
    "arquivo não duplica nada: cada registro é identificado pelo ID do IXC."
)

files = view.uploads()
key = view.fingerprint(files)


def _sources() -> list[imp.Source]:
    return [imp.load_file(kind, data, name) for kind, (name, data) in files.items()]


left, right = st.columns(2)
simulate = left.button(
    "Simular importação", icon=":material/fact_check:", disabled=not files, key="ixc_simulate"
)
dry = st.session_state.get(DRY)
ready = dry is not None and dry[0] == key
go = right.button(
    "Importar",
    type="primary",
    icon=":material/upload:",
    disabled=not ready,
    help=None if ready else "Simule primeiro, com estes mesmos arquivos.",
    key="ixc_import",
)

if simulate:
    try:
        st.session_state[DRY] = (key, imp.dry_run(store, user, _sources()))
        st.session_state.pop(DONE, None)
        st.rerun()
    except DomainError as exc:
        st.error(plain(errors.refusal(exc)), icon=":material/block:")

if go and ready:
    bar = st.progress(0.0, text="Importando…")

    def _step(kind: str, done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=f"{view.LABELS[kind]}: {done} de {total}")

    try:
        results = imp.run_import(store, user, _sources(), progress=_step)
    except DomainError as exc:
        st.error(plain(errors.refusal(exc)), icon=":material/block:")
    else:
        st.session_state[DONE] = results
        st.session_state.pop(DRY, None)
        st.rerun()

if done := st.session_state.get(DONE):
    st.success(
        plain("Importação concluída. " + " · ".join(imp.summary(r, done=True) for r in done))
    )
    view.report(done, done=True)
elif ready:
    st.subheader("Simulação: nada foi gravado ainda")
    view.report(dry[1], done=False)

st.divider()
view.api_block(store, user)
st.divider()
st.subheader("Importações anteriores")
view.runs(imp.recent_runs(store, user))

"""Backups (supervisors): the store's consistent snapshots, taken by this server on a timer and
on demand, with size, time and row counts, and a download of each. A PostgreSQL store's backups
are its operators' (pg_dump): the page shows the commands instead."""

import pandas as pd
import streamlit as st

from lib import fmt
from lib.auth import Perm
from lib.domain import DomainError
from lib.usecases import backups
from ui import errors, forms, session
from ui.text import plain

FLASH = "bk_flash"

user = session.require(Perm.MANAGE_BACKUPS)
rt = session.process()
st.title("Backups")
pg_commands = backups.operator_commands(rt.store, user)  # None: a DuckDB store, backed up here


def _postgres(commands: backups.PgDumpCommands) -> None:
    """A PostgreSQL store: its operators back it up; show how instead of file backups."""
    st.info(
        "Esta base é PostgreSQL: os backups são feitos pelos operadores do banco, com as "
        "ferramentas do próprio PostgreSQL (pg_dump e pg_restore, ou pg_basebackup e réplicas), "
        "não por esta aplicação. Não há backup automático nem arquivos para baixar aqui."
    )
    st.caption("Um backup (de um servidor que pode continuar no ar):")
    st.code(commands.dump, language="bash")
    st.caption("Restaurar num banco novo e vazio, e apontar DESCONTO_DB para ele:")
    st.code(commands.restore, language="bash")
    st.caption(
        "Os comandos não levam a senha: o pg_dump e o pg_restore a leem de PGPASSWORD ou do "
        "arquivo ~/.pgpass de quem os executa."
    )


def _schedule() -> None:
    if rt.backup_every_min:
        schedule = f"Backup automático a cada {fmt.number(rt.backup_every_min)} min"
    else:
        schedule = "Backup automático desligado (DESCONTO_BACKUP_EVERY_MIN=0)"
    st.caption(
        plain(
            f"{schedule}, guardando os {rt.backup_keep} mais recentes em {rt.backup_dir}. Cada "
            "backup é uma cópia consistente de tudo o que foi salvo até o momento em que "
            "começou, feita por este servidor e conferida contando as linhas de cada tabela."
        )
    )


def _size(size: int) -> str:
    return f"{fmt.number(size / 1e6, 1)} MB"


def _backup_now() -> None:
    try:
        done = rt.backup_now(user)
    except DomainError as exc:
        st.session_state[FLASH] = ("erro", errors.refusal(exc))
        return
    if done is not None:
        st.session_state[FLASH] = (
            "ok",
            f"Backup {done.name} feito e conferido: {_size(done.size)}, "
            f"{fmt.number(done.rows, 0)} linhas, em {fmt.number(done.seconds, 1)} s.",
        )


def _list(items: list[backups.Backup]) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Arquivo": b.name,
                    "Feito em": fmt.day_time(b.taken_at),
                    "Tamanho": _size(b.size),
                    "Atendimentos": b.counts.get("ticket"),
                    "Pedidos de desconto": b.counts.get("discount_request"),
                    "Clientes": b.counts.get("customer"),
                    "Usuários": b.counts.get("staff"),
                    "Linhas (todas as tabelas)": b.rows or None,
                    "Duração (s)": round(b.seconds, 1) if b.seconds else None,
                }
                for b in items
            ]
        ),
        hide_index=True,
        width="stretch",
    )

    by_name = {b.name: b for b in items}
    left, right = st.columns([2, 1])
    chosen = left.selectbox("Backup", list(by_name), key="bk_choice")
    if chosen is not None:
        path = backups.backup_file(rt.store, user, rt.backup_dir, chosen)
        right.download_button(
            "Baixar",
            data=path.read_bytes,  # read on click, not on every run
            file_name=chosen,
            mime="application/octet-stream",
            icon=":material/download:",
            on_click="ignore",
        )
        with st.expander("Linhas por tabela"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "Tabela": list(by_name[chosen].counts),
                        "Linhas": by_name[chosen].counts.values(),
                    }
                ),
                hide_index=True,
            )


def _file_backups() -> None:
    _schedule()
    st.button("Fazer backup agora", type="primary", icon=":material/backup:", on_click=_backup_now)
    forms.flash(FLASH)
    items = backups.list_backups(rt.store, user, rt.backup_dir)
    if not items:
        st.info("Nenhum backup ainda.")
    else:
        _list(items)
    st.caption(
        "Para restaurar: pare o servidor, rode `.venv/bin/python -m lib.admin restore ARQUIVO "
        "--db NOVO_ARQUIVO`, aponte DESCONTO_DB para o novo arquivo e inicie o servidor."
    )


if pg_commands is not None:
    _postgres(pg_commands)
else:
    _file_backups()

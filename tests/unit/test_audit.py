"""The audit log: role changes, password resets, switch-offs, unlocks, settings and catalog edits
each leave an entry (who, when, what, old -> new, client address); supervisors filter it; and
nothing can edit or delete an entry."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from lib.domain import DomainError, PermissionDenied, now
from lib.store import audit as audit_store
from lib.usecases import audit, catalogs, settings, users
from lib.usecases.audit import AuditFilters

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sup(world):
    """The supervisor as the UI hands it to use-cases: with the request's client address."""
    return replace(world.supervisor, client_address="198.51.100.7")


def log(world, **kw):
    return audit.entries(world.store, world.supervisor, AuditFilters(**kw))


def test_user_changes_are_recorded_with_old_and_new_values(world, sup):
    uid = users.create_user(
        world.store, sup, username="joana", name="Joana", role="atendente", password="segura123"
    )
    users.change_role(world.store, sup, uid, "financeiro")
    users.reset_password(world.store, sup, uid, "outra-senha")
    users.set_active(world.store, sup, uid, False)
    users.set_active(world.store, sup, uid, True)
    users.unlock_user(world.store, sup, uid)
    entries = list(reversed(log(world)))
    assert [e["action"] for e in entries] == [
        "usuario_criado",
        "perfil_alterado",
        "senha_redefinida",
        "usuario_desativado",
        "usuario_reativado",
        "usuario_desbloqueado",
    ]
    role = entries[1]
    assert (role["target"], role["field"], role["old_value"], role["new_value"]) == (
        "usuário joana",
        "perfil",
        "Atendente",
        "Financeiro",
    )
    assert {e["actor"] for e in entries} == {"supervisor"}
    assert {e["client_address"] for e in entries} == {"198.51.100.7"}
    assert all(e["logged_at"] <= now() for e in entries)
    assert "outra-senha" not in str(entries)  # a password is never written to the log
    # a change that changes nothing leaves no entry
    users.change_role(world.store, sup, uid, "financeiro")
    assert len(log(world)) == 6


def test_settings_changes_are_recorded_per_field(world, sup):
    settings.update(
        world.store,
        sup,
        min_minutes=15,
        deadline_days=90,
        max_fee_multiple="1",
        opa_pattern=r"\d{8}",
        opa_hint="8 dígitos",
        default_method="anatel_minuto",
    )
    changed = {e["field"]: (e["old_value"], e["new_value"]) for e in log(world)}
    assert changed == {
        "Interrupção mínima (minutos)": ("10", "15"),
        "Formato do protocolo OPA": ("[A-Za-z0-9]{6,20}", r"\d{8}"),
        "Explicação do formato OPA": ("de 6 a 20 letras e números", "8 dígitos"),
    }


def test_catalog_edits_are_recorded(world, sup):
    dept = catalogs.create(world.store, sup, "department", {"name": "OUVIDORIA"})
    catalogs.edit(world.store, sup, "department", dept, {"name": "OUVIDORIA GERAL"})
    catalogs.set_active(world.store, sup, "department", dept, False)
    created, edited, off = reversed(log(world))
    assert (created["action"], created["target"]) == ("cadastro_criado", "departamento OUVIDORIA")
    assert (edited["field"], edited["old_value"], edited["new_value"]) == (
        "Nome",
        "OUVIDORIA",
        "OUVIDORIA GERAL",
    )
    assert (off["action"], off["old_value"], off["new_value"]) == (
        "cadastro_desligado",
        "sim",
        "não",
    )


def test_supervisors_filter_the_log(world, sup):
    uid = users.create_user(
        world.store, sup, username="joana", name="Joana", role="atendente", password="segura123"
    )
    users.change_role(world.store, sup, uid, "financeiro")
    catalogs.create(world.store, sup, "department", {"name": "OUVIDORIA"})
    assert len(log(world)) == 3
    assert [e["action"] for e in log(world, actions=("perfil_alterado",))] == ["perfil_alterado"]
    assert [e["target"] for e in log(world, text="ouvid")] == ["departamento OUVIDORIA"]
    assert len(log(world, actor_id=world.supervisor.id)) == 3
    assert log(world, actor_id=world.financeiro.id) == []
    today = now().date()
    assert len(log(world, date_from=today, date_to=today)) == 3
    assert log(world, date_to=date(2020, 1, 1)) == []
    assert len(log(world, date_to=date.max)) == 3  # an absurd date is no error
    assert audit.actors(world.store, world.supervisor) == {world.supervisor.id: "supervisor"}


@pytest.mark.parametrize("role", ["atendente", "financeiro"])
def test_only_supervisors_read_the_log(world, role):
    with pytest.raises(PermissionDenied):
        audit.entries(world.store, world.user(role), AuditFilters())


def test_the_store_offers_no_way_to_change_an_entry():
    public = {n for n in dir(audit_store) if not n.startswith("_")}
    functions = {n for n in public if callable(getattr(audit_store, n))}
    assert functions - {"Cursor", "rows", "datetime", "annotations"} == {
        "append",
        "search",
        "actors",
    }


def _sql_strings(path: Path) -> list[str]:
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


CHANGING = re.compile(
    r"\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+(TABLE\s+)?audit_log"
    r"|DROP\s+TABLE\s+(IF\s+EXISTS\s+)?audit_log|ALTER\s+TABLE\s+audit_log"
    r"|INSERT\s+OR\s+REPLACE\s+INTO\s+audit_log|ON\s+CONFLICT)",
    re.IGNORECASE,
)


def offenders(paths: list[Path]) -> list[str]:
    """Python files whose string constants update, delete or replace audit rows."""
    return [
        f"{path.name}: {text[:80]}"
        for path in paths
        for text in _sql_strings(path)
        if "audit_log" in text and CHANGING.search(text)
    ]


def test_no_code_updates_or_deletes_audit_rows():
    # DuckDB has no triggers or grants: the guarantee is that no SQL in the code can do it.
    code = [*ROOT.glob("lib/**/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("pages/*.py")]
    assert len(code) > 50 and offenders(code) == []
    later = [
        p.name
        for p in ROOT.glob("lib/store/migrations/*.sql")
        if p.name != "052_audit_log.sql" and "audit_log" in p.read_text()
    ]
    assert later == []


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET new_value = ? WHERE id = ?",
        "delete from audit_log where logged_at < ?",
        "INSERT INTO audit_log (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET actor = 'x'",
        "TRUNCATE audit_log",
    ],
)
def test_the_scan_catches_each_way_to_change_an_entry(tmp_path, sql):
    sample = tmp_path / "x.py"
    sample.write_text(f"SQL = {sql!r}\n")
    assert offenders([sample]) != []


def test_the_first_supervisor_made_in_the_browser_is_recorded_and_their_email_checked(tmp_path):
    from lib.store import Store
    from lib.usecases import first_start

    store = Store(tmp_path / "real.duckdb")
    store.migrate(demo=False)
    fields = dict(
        username="maria", name="Maria", password="senha-forte-1", password_again="senha-forte-1"
    )
    with pytest.raises(DomainError, match="não é um endereço válido"):
        first_start.create_first_supervisor(
            store, "AAAA-BBBB-CCCC", "aaaa-bbbb-cccc", email="not-an-email", **fields
        )
    user_id = first_start.create_first_supervisor(
        store, "AAAA-BBBB-CCCC", "AAAA-BBBB-CCCC", client_address="203.0.113.5", **fields
    )
    maria = users.load_user(store, user_id)
    assert maria is not None
    (entry,) = audit.entries(store, maria, AuditFilters())
    assert (entry["action"], entry["actor"], entry["target"], entry["new_value"]) == (
        "usuario_criado",
        "maria",
        "usuário maria",
        "Supervisor",
    )
    assert entry["client_address"] == "203.0.113.5"
    store.close()

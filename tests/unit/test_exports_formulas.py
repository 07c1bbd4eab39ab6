"""Exports never hand a spreadsheet a formula: text people typed that starts with =, +, -, @,
tab or CR gets a leading quote (OWASP "CSV injection"), and XLSX text cells are text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from lib.spreadsheet import neutralise, neutralise_frame
from lib.usecases import ticket_export
from lib.usecases.ticket_list import Filters
from tests.ticket_factory import discount
from ui import charts

HYPERLINK = '=HYPERLINK("http://exemplo.invalid","x")'


@pytest.mark.parametrize(
    "typed",
    [HYPERLINK, "+55 43 3333", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"],
)
def test_formula_starts_get_a_quote(typed):
    assert neutralise(typed) == "'" + typed


@pytest.mark.parametrize("value", ["Maria", "R$ 1,00", "", " =espaço antes", 42, -3.5, None])
def test_other_values_stay_as_they_are(value):
    assert neutralise(value) == value


def test_numbers_and_dates_stay_typed():
    frame = pd.DataFrame(
        {"n": [-1.5], "d": pd.to_datetime(["2026-11-30"]), "t": ["-x"], "i": pd.array([-2])}
    )
    out = neutralise_frame(frame)
    assert out["n"][0] == -1.5 and out["i"][0] == -2 and out["t"][0] == "'-x"
    assert out["d"][0] == pd.Timestamp("2026-11-30")


@pytest.fixture
def poisoned(world):
    """A customer, a subject, a department and a responsible whose names are formulas."""
    with world.store.transaction() as cur:
        cur.execute("UPDATE customer SET name = ? WHERE id = ?", [HYPERLINK, world.maria])
        cur.execute("UPDATE staff SET name = '@SUM(1+1)' WHERE id = ?", [world.financeiro.id])
    ticket = discount(world, "a")
    with world.store.transaction() as cur:
        cur.execute("UPDATE department SET name = '-FINANCEIRO' WHERE name = 'FINANCEIRO'")
        cur.execute("UPDATE subject SET name = '+DESCONTO' WHERE name = 'DESCONTO EM FATURA'")
        cur.execute(
            "UPDATE ticket SET responsible_id = ? WHERE id = ?", [world.financeiro.id, ticket]
        )
    return ticket_export.export_frame(world.store, world.atendente, Filters())


def test_xlsx_export_has_no_formula_and_every_text_cell_is_text(poisoned):
    book = openpyxl.load_workbook(io.BytesIO(ticket_export.export_xlsx(poisoned)))
    sheet = book["Atendimentos"]
    headers = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(headers, sheet[2], strict=True)}
    for cell in (c for line in sheet.iter_rows() for c in line):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
    assert row["Cliente"].value == "'" + HYPERLINK and row["Cliente"].data_type == "s"
    assert row["Responsável"].value == "'@SUM(1+1)"
    assert row["Departamento"].value == "'-FINANCEIRO"
    assert row["Assunto"].value == "'+DESCONTO"
    for name in ("Protocolo", "Status", "Cliente", "CPF/CNPJ", "Protocolo OPA", "Motivo"):
        assert row[name].data_type == "s", name
    assert row["Valor calculado (R$)"].data_type == "n"
    assert row["Abertura"].data_type == "d" or row["Abertura"].is_date
    # the raw sheet XML carries no <f> element at all
    raw = io.BytesIO(ticket_export.export_xlsx(poisoned))
    import zipfile

    with zipfile.ZipFile(raw) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "HYPERLINK" not in sheet_xml.split("<sheetData>")[0]


def test_csv_export_quotes_formula_starts(poisoned):
    text = ticket_export.export_csv(poisoned).decode("utf-8-sig")
    header, first = list(csv.reader(io.StringIO(text), delimiter=";"))[:2]
    row = dict(zip(header, first, strict=True))
    assert row["Cliente"] == "'" + HYPERLINK
    assert row["Responsável"] == "'@SUM(1+1)"
    assert row["Departamento"] == "'-FINANCEIRO" and row["Assunto"] == "'+DESCONTO"
    assert row["Valor calculado (R$)"] == "0,79"  # numbers are not quoted


def test_chart_csv_quotes_typed_names():
    places = pd.DataFrame([{"place": "=1+1", "customers": -1}])
    text = charts.csv_bytes(places, "Caixa CTO").decode("utf-8-sig")
    assert text.splitlines()[1] == "'=1+1;-1"

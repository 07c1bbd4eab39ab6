"""Reading an IXC Soft listing exported as CSV or XLSX into rows keyed by IXC's column names.

IXC's own exports (and the spreadsheets people keep from them) come in UTF-8 or in Windows'
Latin-1 (CP1252), separated by `;` (the pt-BR Excel default) or `,`. The encoding is found by
trying UTF-8 first (it fails on any Latin-1 accent, which is invalid UTF-8) and then CP1252,
falling back to Latin-1 for the five bytes CP1252 leaves undefined: a dozen lines that need
no guessing library. The delimiter is the one of `;` and `,` that splits the header line into
more columns. Pure: no store, no Streamlit.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from lib.domain import DomainError

MAX_BYTES = 200 * 1024 * 1024  # what the upload field allows (Streamlit default)
MAX_ROWS = 500_000


@dataclass
class Table:
    """Rows of one listing: `rows[i]` maps each lower-cased header to the cell's text (stripped),
    and `lines[i]` is where that row was in the file (the header is line 1)."""

    headers: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was in: utf-8 (with or without BOM) or cp1252
    (latin-1 for bytes cp1252 does not define)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(header_line: str) -> str:
    """`;` or `,`: whichever splits the header into more columns (`;` on a tie)."""
    semi = len(next(csv.reader([header_line], delimiter=";"), []))
    comma = len(next(csv.reader([header_line], delimiter=","), []))
    return "," if comma > semi else ";"


def _header(names: list[object]) -> list[str]:
    out = [str(n or "").strip().lower() for n in names]
    # IXC's API and some exports prefix the table: "cliente.id" is "id"
    out = [n.rsplit(".", 1)[-1] for n in out]
    if not any(out):
        raise DomainError("O arquivo não tem linha de cabeçalho com os nomes das colunas.")
    return out


def _add(table: Table, values: list[object], line: int) -> None:
    cells = ["" if v is None else _cell(v) for v in values]
    if not any(cells):
        return  # blank line
    if len(table.rows) >= MAX_ROWS:
        raise DomainError(f"Arquivo com mais de {MAX_ROWS} linhas: divida-o em partes.")
    row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(table.headers)}
    table.rows.append(row)
    table.lines.append(line)


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed in a spreadsheet comes back as 123.0
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise DomainError("O arquivo está vazio.") from None
    table = Table(_header(list(header)), encoding=encoding, delimiter=delimiter)
    try:
        for values in reader:
            _add(table, list(values), reader.line_num)
    except csv.Error as exc:
        raise DomainError(f"CSV malformado na linha {reader.line_num}: {exc}") from exc
    return table


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not an XLSX
        raise DomainError("O arquivo não é uma planilha XLSX válida.") from exc
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if header is None:
            raise DomainError("A planilha está vazia.")
        table = Table(_header(list(header)), encoding="xlsx", delimiter="")
        for line, row in enumerate(values, start=2):
            _add(table, list(row), line)
    finally:
        book.close()
    return table


def read_table(data: bytes, file_name: str) -> Table:
    """A CSV or XLSX listing (by its name, or by the ZIP signature an XLSX starts with)."""
    if len(data) > MAX_BYTES:
        raise DomainError(f"Arquivo maior que {MAX_BYTES // (1024 * 1024)} MB.")
    if file_name.lower().endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    return read_csv(data)

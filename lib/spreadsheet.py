"""Cells that a spreadsheet would run as formulas, neutralised (OWASP "CSV injection").

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-` or `@` as a
formula (`=HYPERLINK(...)` becomes a live link, `=cmd|...` once ran programs), and a leading tab
or carriage return can hide such a start. Following OWASP's guidance, a text value starting with
one of them gets a single quote in front, which the spreadsheet shows as text. Only text is
touched: numbers (a negative fee, say) and dates stay numbers and dates.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """`value` with a leading quote when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are neutralised."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or _is_datetime(out[column])):
            out[column] = out[column].map(neutralise)
    return out.rename(columns=lambda c: neutralise(c) if isinstance(c, str) else c)


def _is_datetime(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series)

"""The one money parser (lib.fmt.parse_brl), table-driven: what a person types in pt-BR."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lib import fmt
from lib.domain import DomainError

ACCEPTED = [
    ("0", "0.00"),
    ("0,00", "0.00"),
    ("12", "12.00"),
    ("12,5", "12.50"),
    ("12,50", "12.50"),
    (",5", "0.50"),
    ("1.234", "1234.00"),  # pt-BR thousands, not 1.234 reais
    ("1.234,5", "1234.50"),
    ("1.234,56", "1234.56"),
    ("1.234.567", "1234567.00"),
    ("1.234.567,89", "1234567.89"),
    ("123456,00", "123456.00"),
    ("R$ 1.234,56", "1234.56"),
    ("R$\xa01.234,56", "1234.56"),  # as babel writes it (non-breaking space)
    ("r$12", "12.00"),
    ("  7,00  ", "7.00"),
    ("1 234,56", "1234.56"),  # a space as thousands separator
    ("1\u202f234", "1234.00"),  # narrow no-break space, as some systems copy it
    ("12.50", "12.50"),  # keypad decimal point: a thousands group has 3 digits
    ("1.23", "1.23"),
    ("12.5", "12.50"),
    ("007", "7.00"),
    ("9.999.999.999,99", "9999999999.99"),  # the largest DECIMAL(12, 2)
]

REFUSED = [
    ("1e1", "inválido"),  # not 10
    ("1E1", "inválido"),
    ("Infinity", "inválido"),
    ("NaN", "inválido"),
    ("abc", "inválido"),
    ("R$", "inválido"),
    ("-5", "negativo"),
    ("-R$ 5,00", "negativo"),
    ("R$ -5,00", "negativo"),
    ("\u22125", "negativo"),  # the minus sign
    ("+5", "inválido"),
    ("1,2,3", "inválido"),
    ("1.2345", "inválido"),
    ("1.234.5", "inválido"),
    ("0.500", "inválido"),  # a group cannot start with 0: 0,50 or 500?
    ("1,234.56", "inválido"),  # English format
    ("12,", "inválido"),
    ("1,999", "duas casas"),
    ("12 50", "inválido"),  # a space separates thousands only
    ("99.999.999.999,99", "máximo é R\\$\xa09.999.999.999,99"),  # no DuckDB traceback
    ("10000000000", "máximo"),
    ("9" * 41, "longo"),
    ("١٢", "inválido"),  # Arabic-Indic digits are digits to Python, not to finance
]


@pytest.mark.parametrize(("typed", "expected"), ACCEPTED)
def test_accepted(typed, expected):
    assert fmt.parse_brl(typed) == Decimal(expected)
    assert str(fmt.parse_brl(typed)) == expected  # always exactly two decimals


@pytest.mark.parametrize(("typed", "message"), REFUSED)
def test_refused_with_a_pt_br_message(typed, message):
    with pytest.raises(DomainError, match=message):
        fmt.parse_brl(typed)


@pytest.mark.parametrize("empty", [None, "", "   ", "\xa0"])
def test_empty_is_none(empty):
    assert fmt.parse_brl(empty) is None


@pytest.mark.parametrize(
    ("given", "outcome"),
    [
        (Decimal("5"), Decimal("5.00")),
        (Decimal("5.1"), Decimal("5.10")),
        (7, Decimal("7.00")),
        (Decimal("5.001"), "duas casas"),
        (Decimal("-1"), "negativo"),
        (Decimal("NaN"), "inválido"),
        (Decimal("Infinity"), "inválido"),
        (Decimal("1E+100"), "máximo"),
        (Decimal("10000000000.00"), "máximo"),
        (1.5, "inválido"),  # a float is never money
        (True, "inválido"),
    ],
)
def test_numbers_given_by_code_follow_the_same_rules(given, outcome):
    if isinstance(outcome, Decimal):
        assert fmt.parse_brl(given) == outcome
    else:
        with pytest.raises(DomainError, match=outcome):
            fmt.parse_brl(given)


def test_what_brl_writes_parses_back():
    for value in (Decimal("0.05"), Decimal("119.90"), Decimal("1234.56"), fmt.MAX_MONEY):
        assert fmt.parse_brl(fmt.brl(value)) == value

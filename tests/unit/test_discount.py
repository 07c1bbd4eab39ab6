"""The discount engine: DOMAIN.md's worked examples, the boundaries, and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.discount import (
    METHODS,
    CalculationError,
    Draft,
    Overlap,
    Rules,
    calculate_discount,
    validate_request,
)
from lib.domain import TZ

D = Decimal
START = datetime(2026, 3, 10, 8, 0, tzinfo=TZ)


def calc(fee: str, minutes: int, method: str = "anatel_minuto", start: datetime = START, **kw):
    return calculate_discount(D(fee), start, start + timedelta(minutes=minutes), method, **kw)


@pytest.mark.parametrize(
    ("fee", "minutes", "method", "expected"),
    [
        ("100.00", 60, "anatel_minuto", "0.14"),
        ("99.90", 340, "anatel_minuto", "0.79"),
        ("99.90", 340, "hora_30min", "0.83"),
        ("99.90", 340, "dia_4h", "3.33"),
        ("43.20", 25, "anatel_minuto", "0.03"),  # 0.025 rounds half-up, not half-even
    ],
)
def test_worked_examples(fee, minutes, method, expected):
    assert calc(fee, minutes, method).amount == D(expected)


def test_worked_example_ixc_in_a_31_day_month():
    # March has 31 days: 100 / (24 * 31) * 1 h = 0.1344 -> 0.13
    result = calc("100.00", 60, "ixc_hora_mes")
    assert result.amount == D("0.13")
    assert result.divisor == 24 * 31


@pytest.mark.parametrize(
    ("month_start", "days"),
    [((2026, 2, 10), 28), ((2028, 2, 10), 29), ((2026, 4, 10), 30), ((2026, 12, 10), 31)],
)
def test_ixc_uses_days_in_the_month_of_the_return(month_start, days):
    start = datetime(*month_start, 8, 0, tzinfo=TZ)
    result = calc("720.00", 600, "ixc_hora_mes", start=start)
    assert result.divisor == 24 * days
    # 720 / (24 * days) * 10 h, exact to the cent
    expected = (D(720) * 10 / (24 * days)).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert result.amount == expected


def test_ixc_month_is_the_return_date_in_sao_paulo():
    # 31 Jan 22:00 -> 1 Feb 02:00 in São Paulo: the return is in February (28 days) even though
    # UTC says 1 Feb for both.
    start = datetime(2026, 1, 31, 22, 0, tzinfo=TZ)
    result = calculate_discount(D("100"), start, start + timedelta(hours=4), "ixc_hora_mes")
    assert result.divisor == 24 * 28
    before = datetime(2026, 1, 31, 20, 0, tzinfo=TZ)
    result = calculate_discount(D("100"), before, before + timedelta(hours=3), "ixc_hora_mes")
    assert result.divisor == 24 * 31  # returns 23:00 on 31 Jan local, 02:00 UTC on 1 Feb


@pytest.mark.parametrize(
    ("minutes", "hours"), [(90, 1), (91, 2), (60, 1), (30, 0), (31, 1), (150, 2), (151, 3)]
)
def test_legacy_hourly_counts_a_remainder_only_over_30_min(minutes, hours):
    result = calc("720.00", minutes, "hora_30min")
    assert result.counted_units == D(hours)
    assert result.amount == D(hours).quantize(D("0.01"))  # 720 / 720 = R$ 1 per hour


@pytest.mark.parametrize(
    ("minutes", "days"), [(1440 + 240, 1), (1440 + 241, 2), (240, 0), (241, 1), (2880, 2)]
)
def test_legacy_daily_counts_a_remainder_only_over_4_hours(minutes, days):
    result = calc("30.00", minutes, "dia_4h")
    assert result.counted_units == D(days)
    assert result.amount == D(days).quantize(D("0.01"))


def test_the_10_minute_threshold():
    assert calc("100.00", 9).amount == D("0.00")
    assert calc("100.00", 9).below_threshold
    assert calc("100.00", 10).amount == D("0.02")  # 100 / 43200 * 10 = 0.0231
    assert not calc("100.00", 10).below_threshold
    assert calc("100.00", 9, min_minutes=5).amount == D("0.02")


def test_seconds_are_dropped():
    start = datetime(2026, 3, 10, 8, 0, 59, tzinfo=TZ)
    result = calculate_discount(D("100"), start, start + timedelta(minutes=59, seconds=59))
    assert result.minutes == 59
    result = calculate_discount(D("100"), START, START + timedelta(seconds=59 * 60 + 1))
    assert result.minutes == 59


def test_zone_conversion_gives_the_same_duration():
    utc_start = START.astimezone(UTC)
    a = calculate_discount(D("99.90"), START, START + timedelta(hours=5, minutes=40))
    b = calculate_discount(D("99.90"), utc_start, utc_start + timedelta(hours=5, minutes=40))
    assert (a.minutes, a.amount) == (b.minutes, b.amount) == (340, D("0.79"))


def test_the_result_explains_itself():
    result = calc("99.90", 340)
    assert result.counted_units == D(340)
    assert result.unit == "minutos"
    assert result.duration_text == "5 h 40 min"
    assert "R$\xa099,90" in result.formula and "340 min" in result.formula
    assert result.formula.endswith("R$\xa00,79")


@pytest.mark.parametrize(
    "bad",
    [
        dict(start=datetime(2026, 3, 10, 8, 0), end=datetime(2026, 3, 10, 9, 0)),
        dict(end=START),
        dict(end=START - timedelta(minutes=5)),
        dict(fee=D("-1")),
        dict(method="por_semana"),
    ],
)
def test_bad_input_raises_value_error_in_portuguese(bad):
    args = dict(fee=D("100"), start=START, end=START + timedelta(hours=1), method="anatel_minuto")
    args.update(bad)
    with pytest.raises(ValueError) as err:
        calculate_discount(args["fee"], args["start"], args["end"], args["method"])
    assert isinstance(err.value, CalculationError)
    assert any(w in str(err.value) for w in ("fuso", "depois", "negativ", "desconhecido"))


fees = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
minutes_ = st.integers(min_value=1, max_value=60 * 24 * 40)
methods = st.sampled_from(sorted(METHODS))


@given(fee=fees, minutes=minutes_, method=methods)
def test_never_negative_and_exact_cents(fee, minutes, method):
    amount = calc(str(fee), minutes, method).amount
    assert amount >= 0
    assert amount == amount.quantize(D("0.01"))
    assert amount.as_tuple().exponent == -2


@given(fee=fees, minutes=minutes_, extra=st.integers(min_value=0, max_value=5000), method=methods)
def test_never_decreases_as_the_outage_grows(fee, minutes, extra, method):
    # ixc_hora_mes depends on the month of the return: keep both ends in one 31-day month
    start = datetime(2026, 1, 1, 0, 0, tzinfo=TZ)
    minutes, extra = min(minutes, 20000), min(extra, 20000)
    shorter = calc(str(fee), minutes, method, start=start).amount
    longer = calc(str(fee), minutes + extra, method, start=start).amount
    assert longer >= shorter


@given(fee=fees, minutes=st.integers(min_value=10, max_value=43200))
def test_anatel_matches_exact_rational_arithmetic(fee, minutes):
    from fractions import Fraction

    exact = Fraction(fee) * minutes / 43200
    cents = int(exact * 100 + Fraction(1, 2))
    assert calc(str(fee), minutes).amount == D(cents) / 100


# --- validation -------------------------------------------------------------------------------

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=TZ)


def draft(**kw) -> Draft:
    base = dict(
        monthly_fee=D("99.90"),
        occurred_on=NOW.date(),
        opened_at=NOW - timedelta(hours=6),
        signal_returned_at=NOW - timedelta(minutes=20),
        opa_protocol="OPA12345678",
    )
    base.update(kw)
    return Draft(**base)


def codes(d: Draft, level: str | None = None, **kw) -> set[str]:
    calc_ = None
    if d.start and d.signal_returned_at and d.signal_returned_at > d.start:
        calc_ = calculate_discount(d.monthly_fee, d.start, d.signal_returned_at, d.method)
    found = validate_request(d, kw.get("rules", Rules()), NOW, calc_)
    return {f.code for f in found if level is None or f.level == level}


def test_a_clean_draft_has_no_findings():
    assert codes(draft()) == set()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (dict(opa_protocol=""), "opa_obrigatorio"),
        (dict(opa_protocol="OPA-123"), "opa_formato"),
        (dict(opa_protocol="abc12"), "opa_formato"),
        (dict(signal_returned_at=NOW + timedelta(minutes=5)), "retorno_futuro"),
        (dict(opened_at=NOW + timedelta(minutes=5), signal_returned_at=None), "abertura_futura"),
        (dict(occurred_on=NOW.date() + timedelta(days=1)), "ocorrido_depois"),
        (dict(signal_returned_at=NOW - timedelta(hours=7)), "retorno_antes"),
        (dict(occurred_on=None), "data_ocorrido"),
        (dict(opened_at=None, signal_returned_at=None), "abertura"),
    ],
)
def test_errors_block(changes, code):
    assert code in codes(draft(**changes), "erro")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        (dict(opened_at=NOW - timedelta(minutes=30)), "abaixo_minimo"),
        (dict(occurred_on=NOW.date() - timedelta(days=91)), "prazo_vencido"),
        (dict(monthly_fee=D("10.00"), opened_at=NOW - timedelta(days=40)), "acima_mensalidade"),
        (
            dict(overlaps=[Overlap(7, "202600000007", NOW - timedelta(hours=8), NOW)]),
            "sobreposicao",
        ),
    ],
)
def test_warnings_do_not_block(changes, code):
    if code == "abaixo_minimo":
        changes["signal_returned_at"] = NOW - timedelta(minutes=25)
    if code == "acima_mensalidade":
        changes["occurred_on"] = (NOW - timedelta(days=40)).date()
    found = codes(draft(**changes), "aviso")
    assert code in found
    assert codes(draft(**changes), "erro") == set()


def test_rules_are_settings():
    rules = Rules.from_settings({"opa_pattern": r"\d{4}", "deadline_days": "30"})
    assert "opa_formato" not in codes(draft(opa_protocol="1234"), rules=rules)
    assert "prazo_vencido" in codes(draft(occurred_on=NOW.date() - timedelta(days=31)), rules=rules)


def test_the_incident_start_counts_when_earlier():
    d = draft(incident_started_at=NOW - timedelta(hours=9))
    assert d.start == NOW - timedelta(hours=9)
    d = draft(incident_started_at=NOW - timedelta(hours=1))
    assert d.start == d.opened_at

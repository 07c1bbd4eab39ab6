"""The charts page's use-cases on a small store whose totals are known (tests/report_fixture)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lib.domain import DomainError, PermissionDenied
from lib.store import scalar
from lib.usecases import reports
from tests.report_fixture import END, START, TODAY, build_report_world


@pytest.fixture
def rw(world):
    world.report_ids = build_report_world(world)
    return world


def build_ids(w) -> dict[str, int]:
    return w.report_ids


def page(w, **kw):
    return reports.charts_page(w.store, w.supervisor, reports.Filters(START, END, **kw), TODAY)


def figures(data) -> dict[str, tuple]:
    return {f.key: (f.value, f.previous) for f in data.headline}


def test_headline_figures_and_previous_period(rw):
    got = figures(page(rw))
    assert got["approved_total"] == (Decimal("6.07"), Decimal("0.42"))
    assert got["requests"] == (5, 2)
    assert got["approval_rate"] == (0.75, 1.0)
    assert got["assume_minutes"] == (180.0, 600.0)
    assert got["apply_minutes"] == (2280.0, 6000.0)
    # deadlines are a state of today, over every open request: E (near) and Q (past, opened
    # in the previous period); no comparison with a previous period
    assert got["deadline_risk"] == (2, None)
    assert got["past_deadline"] == (1, None)


def test_headline_texts_are_pt_br(rw):
    by = {f.key: f for f in page(rw).headline}
    assert by["approved_total"].text == "R$\xa06,07"
    assert by["approved_total"].delta == "+R$\xa05,65"
    assert by["approval_rate"].text == "75,0%"  # one decimal, always
    assert by["approval_rate"].delta == "-25,0 p.p."
    assert by["assume_minutes"].text == "3 h" and by["assume_minutes"].delta == "-7 h"
    assert by["apply_minutes"].text == "1 d 14 h"
    assert by["requests"].previous_text == "2"


def test_chart_frames(rw):
    data = page(rw)
    by_reason = data.by_reason.set_index("reason")
    assert list(by_reason.index) == [1, 2, 3, 4, 5]  # every reason, even with no request
    assert by_reason["requests"].tolist() == [2, 1, 2, 0, 0]
    assert by_reason["approved_total"].tolist() == pytest.approx([0, 0.28, 5.79, 0, 0])
    monthly = {(r.month, r.reason): r.requests for r in data.monthly.itertuples()}
    assert monthly == {
        ("set./2026", 1): 1,
        ("set./2026", 2): 1,
        ("out./2026", 1): 1,
        ("nov./2026", 3): 2,
    }
    assert data.months == ["set./2026", "out./2026", "nov./2026"]
    depts = {(r.department, r.status_label): r.tickets for r in data.departments.itertuples()}
    assert depts == {
        ("FINANCEIRO", "Em progresso"): 1,
        ("FINANCEIRO", "Novo"): 1,
        ("FINANCEIRO", "Solucionado"): 3,
    }
    assert data.departments_scope == "todos"
    dur = data.durations.set_index("reason")
    assert dur.loc[3, "p50"] == pytest.approx((340 + 600) / 2 / 60, abs=0.01)
    assert dur.loc[2, ["p05", "p95"]].tolist() == [2.0, 2.0]
    handling = {(r.month, r.measure): (r.n, r.p50_hours) for r in data.handling.itertuples()}
    assert handling[("nov./2026", "Abertura → aplicado")] == (2, 38.0)
    assert handling[("nov./2026", "Abertura → assumido")] == (2, 3.0)
    assert handling[("set./2026", "Abertura → assumido")] == (1, 6.0)
    places = {r.place: (r.customers, r.requests) for r in data.places.itertuples()}
    assert places == {"Taquaral": (1, 3), "Centro": (1, 2)}
    decisions = {(r.reason, r.decision): r.requests for r in data.decisions.itertuples()}
    assert decisions == {
        (1, "reprovado"): 1,
        (1, "pendente"): 1,
        (2, "aprovado"): 1,
        (3, "aplicado"): 2,
    }


def test_places_by_cto_box(rw):
    places = page(rw, place_by="cto_box").places
    assert dict(zip(places.place, places.customers, strict=True)) == {
        "CTO-CEN-001": 1,
        "CTO-TAQ-003": 1,
        "CTO-TAQ-004": 1,
    }


def test_clicked_reason_filters_the_other_charts_not_the_reason_chart(rw):
    data = page(rw, selected_reason=3)
    assert data.by_reason["requests"].sum() == 5
    assert set(data.monthly.reason) == {3}
    assert set(data.decisions.reason) == {3}
    assert figures(data)["requests"] == (2, 1)
    assert figures(data)["approved_total"] == (Decimal("5.79"), Decimal("0.42"))
    assert data.departments_scope == "descontos"
    assert data.departments.tickets.sum() == 2


def test_reason_method_and_department_filters(rw):
    assert figures(page(rw, reasons=(1, 2)))["requests"] == (3, 1)
    assert figures(page(rw, method="dia_4h"))["requests"] == (0, 0)
    assert figures(page(rw, method="anatel_minuto"))["requests"] == (5, 2)
    with rw.store.read() as cur:
        suporte = scalar(cur, "SELECT id FROM department WHERE name = 'SUPORTE'")
    data = page(rw, department_id=suporte)
    assert figures(data)["requests"] == (0, 0)
    assert data.departments.empty


def test_empty_period_gives_zeros_and_no_rows(rw):
    data = reports.charts_page(
        rw.store, rw.supervisor, reports.Filters(date(2020, 1, 1), date(2020, 1, 31)), TODAY
    )
    got = figures(data)
    assert got["requests"] == (0, 0) and got["approval_rate"] == (None, None)
    assert data.monthly.empty and data.durations.empty and data.places.empty
    assert data.by_reason["requests"].sum() == 0


def test_only_supervisors_see_charts(rw):
    for user in (rw.atendente, rw.financeiro):
        with pytest.raises(PermissionDenied):
            reports.charts_page(rw.store, user, reports.Filters(START, END), TODAY)
        with pytest.raises(PermissionDenied):
            reports.filter_options(rw.store, user)


def test_bad_filters_are_refused(rw):
    with pytest.raises(DomainError):
        page(rw, place_by="rua; DROP TABLE ticket")
    with pytest.raises(DomainError):
        page(rw, method="inexistente")
    with pytest.raises(DomainError):
        reports.charts_page(rw.store, rw.supervisor, reports.Filters(END, START), TODAY)


def test_default_period_is_the_last_twelve_months():
    assert reports.default_period(date(2026, 11, 30)) == (date(2025, 12, 1), date(2026, 11, 30))
    assert reports.default_period(date(2026, 1, 15)) == (date(2025, 2, 1), date(2026, 1, 15))
    f = reports.Filters(date(2026, 9, 1), date(2026, 11, 30))
    assert f.previous() == (date(2026, 6, 2), date(2026, 8, 31))


def test_changes_after_a_read_show_on_the_next_read(rw):
    """report_discount is derived data: a decision taken after the page was drawn is picked up
    by the next rerun (only the changed tickets are re-derived)."""
    from datetime import datetime

    from lib.domain import TZ
    from lib.usecases import finance, ticket_actions

    before = figures(page(rw))
    assert before["deadline_risk"][0] == 2
    e = build_ids(rw)["E"]
    noon = datetime(2026, 11, 30, 12, tzinfo=TZ)
    ticket_actions.assume(rw.store, rw.financeiro, e, now=noon)
    finance.approve(rw.store, rw.financeiro, e, now=noon)
    with rw.store.transaction() as cur:
        from lib.store import reports as rs

        assert rs.refresh(cur) >= 1
        assert rs.refresh(cur) == 0  # nothing changed since
    after = figures(page(rw))
    assert after["approved_total"][0] == Decimal("6.21")  # + E's 0.14
    assert after["approval_rate"][0] == 0.8  # 4 of 5 decided
    assert after["deadline_risk"][0] == 2  # approved but not applied: still open
    assert after["requests"] == before["requests"]


def test_a_headline_duration_past_a_day_drops_the_minutes():
    from lib.usecases.reports import Figure

    f = Figure("apply_minutes", "Mediana até aplicar", "duration", 2819, 2530, lower_is_better=True)
    assert f.text == "1 d 23 h"  # 1 d 22 h 59 min
    assert f.delta == "+4 h 49 min"
    assert Figure("x", "x", "duration", 100, 130).delta == "-30 min"


def _direct_deadline_counts(store, today, near_days) -> tuple[int, int]:
    """Open requests past their deadline, and past or within `near_days` of it, straight from
    the base table (no derived table, no period)."""
    with store.read() as cur:
        past = scalar(
            cur,
            """SELECT count(*) FROM discount_request
               WHERE decision IN ('aguardando_retorno', 'pendente', 'aprovado')
                 AND deadline < ?""",
            [today],
        )
        risk = scalar(
            cur,
            """SELECT count(*) FROM discount_request
               WHERE decision IN ('aguardando_retorno', 'pendente', 'aprovado')
                 AND deadline <= ?::DATE + ?::INTEGER""",
            [today, near_days],
        )
    return int(past), int(risk)


@pytest.mark.parametrize(
    "period",
    [(START, END), (date(2026, 11, 1), date(2026, 11, 30)), (date(2020, 1, 1), date(2020, 1, 31))],
)
def test_deadline_figures_count_every_open_request_whatever_the_period(rw, period):
    """November alone (or 2020) holds none of the open requests, yet they are overdue today."""
    data = reports.charts_page(rw.store, rw.supervisor, reports.Filters(*period), TODAY)
    got = figures(data)
    past, risk = _direct_deadline_counts(rw.store, TODAY, reports.NEAR_DEADLINE_DAYS)
    assert (past, risk) == (1, 2)
    assert got["past_deadline"][0] == past
    assert got["deadline_risk"][0] == risk
    # a day later E's deadline (30/11) has passed too
    later = reports.charts_page(
        rw.store, rw.supervisor, reports.Filters(*period), date(2026, 12, 1)
    )
    assert (
        figures(later)["past_deadline"][0]
        == _direct_deadline_counts(rw.store, date(2026, 12, 1), reports.NEAR_DEADLINE_DAYS)[0]
        == 2
    )


def test_deadline_figures_follow_the_other_filters(rw):
    assert figures(page(rw, reasons=(2,)))["past_deadline"][0] == 1  # Q is reason 2
    assert figures(page(rw, reasons=(1,)))["past_deadline"][0] == 0
    assert figures(page(rw, reasons=(1,)))["deadline_risk"][0] == 1  # E
    assert figures(page(rw, selected_reason=3))["deadline_risk"][0] == 0


def test_zero_change_is_neutral_and_rates_keep_one_decimal():
    from lib.usecases.reports import Figure

    same = Figure("approved_total", "Total aprovado", "money", Decimal("5.00"), Decimal("5.00"))
    assert same.unchanged and same.delta == "R$\xa00,00"
    assert not Figure("requests", "x", "count", 3, 2).unchanged
    rate = Figure("approval_rate", "x", "percent", 0.85, 0.861)
    assert rate.text == "85,0%" and rate.previous_text == "86,1%"
    assert rate.delta == "-1,1 p.p." and not rate.unchanged
    assert Figure("approval_rate", "x", "percent", 0.85, 0.8501).unchanged
    assert Figure("deadline_risk", "x", "count", 2, None).delta is None

"""The charts page's data, cached briefly per filter choice.

A supervisor who toggles a switch or downloads a file reruns the page with the same filters:
the cache answers at once. With a TTL of one minute the figures are never more than a minute
old. The use-case still checks the permission on every miss; the page's guard checks it on
every run.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib import config
from lib.auth import User
from lib.usecases import reports
from ui import session

TTL_SECONDS = 60


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Calculando os gráficos…", max_entries=64)
def _charts_page(
    filters: reports.Filters, today: date, _user: User, user_id: int, db_path: str
) -> reports.ChartsData:
    return reports.charts_page(session.store(), _user, filters, today=today)


def charts_page(filters: reports.Filters, user: User, today: date) -> reports.ChartsData:
    return _charts_page(filters, today, user, user.id, config.db_path())


@st.cache_data(ttl=TTL_SECONDS, show_spinner="Calculando…", max_entries=64)
def _chart_view(
    filters: reports.Filters, view: str, today: date, _user: User, user_id: int, db_path: str
) -> reports.ViewData:
    return reports.chart_view(session.store(), _user, filters, view, today=today)


def chart_view(filters: reports.Filters, view: str, user: User, today: date) -> reports.ViewData:
    return _chart_view(filters, view, today, user, user.id, config.db_path())

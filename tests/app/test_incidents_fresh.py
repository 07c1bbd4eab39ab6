"""Issue 17: the Incidentes page draws its charts from specs cached by their data
(ui/spec_cache.py). A write by another session shows on the next rerun, and the map follows an
edit of the scope: the cache never serves the old chart."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pyarrow as pa

from lib.domain import TZ
from lib.usecases import incidents
from lib.usecases.incidents import IncidentInput
from ui import spec_cache


def charts(at) -> dict[str, list[dict]]:
    """Each chart's title and the rows of its datasets."""
    out = {}
    for element in at.get("vega_lite_chart"):
        title = json.loads(element.proto.spec)["title"]["text"]
        out[title] = [
            row
            for ds in element.proto.datasets
            for row in pa.ipc.open_stream(ds.data.data).read_all().to_pylist()
        ]
    return out


def test_another_sessions_incident_shows_on_the_next_rerun(logged_in, app_env):
    w = app_env
    now = datetime.now(TZ).replace(second=0, microsecond=0)
    first = incidents.open_incident(
        w.store,
        w.supervisor,
        IncidentInput(
            3, "Rompimento na Rua A", "", now - timedelta(hours=3), "cto", ["CTO-CEN-001"]
        ),
        "a",
        now=now,
    )
    at = logged_in("supervisor")
    at.switch_page("pages/incidents.py").run()
    assert not at.exception, at.exception
    top = "Incidentes com mais clientes afetados (top 10)"
    assert [r["id"] for r in charts(at)[top]] == [first]
    builds = spec_cache.stats["builds"]
    at.run()  # the same data: drawn from the cache
    assert spec_cache.stats["builds"] == builds
    assert [r["id"] for r in charts(at)[top]] == [first]
    # another session opens a second incident: this tab's next rerun draws it
    second = incidents.open_incident(
        w.store,
        w.supervisor,
        IncidentInput(
            4, "Queda no concentrador", "", now - timedelta(hours=1), "bairro", ["Centro"]
        ),
        "b",
        now=now,
    )
    at.run()
    assert not at.exception, at.exception
    assert sorted(r["id"] for r in charts(at)[top]) == sorted([first, second])
    monthly = charts(at)["Incidentes por motivo e mês"]
    assert sum(r["incidents"] for r in monthly) == 2


def test_the_map_follows_an_edit_of_the_scope(logged_in, app_env):
    w = app_env
    now = datetime.now(TZ).replace(second=0, microsecond=0)
    start = now - timedelta(hours=3)
    incident_id = incidents.open_incident(
        w.store,
        w.supervisor,
        IncidentInput(3, "Rompimento", "", start, "bairro", ["Centro"]),
        "a",
        now=now,
    )
    at = logged_in("supervisor")
    at.switch_page("pages/incidents.py").run()
    assert not at.exception, at.exception
    before = charts(at).get("Caixas afetadas")
    version = incidents.incident_view(w.store, w.supervisor, incident_id).incident["version"]
    incidents.edit_incident(  # another session widens the scope
        w.store,
        w.supervisor,
        incident_id,
        IncidentInput(3, "Rompimento", "", start, "bairro", ["Centro", "Taquaral"]),
        version,
    )
    at.run()
    assert not at.exception, at.exception
    after = charts(at).get("Caixas afetadas")
    assert after is not None and after != before
    view = incidents.incident_view(w.store, w.supervisor, incident_id)
    points = [r for r in after if "logins" in r]
    assert sum(r["logins"] for r in points) == sum(
        1 for m in view.members if m["latitude"] is not None
    )

"""The Atendimentos table's deadline colours, as Streamlit sends them: the cheap Styler
(`cell_ids=False`, issue 17) colours the same cells and shows the same text as the default one."""

from __future__ import annotations

import pyarrow as pa
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData

from lib.usecases import ticket_list as tl
from tests.ticket_factory import discount, plain_tickets
from ui.ticket_list.table import DEADLINE_STYLE, deadline_colours


def sent(styler) -> tuple[str, list[dict]]:
    proto = ArrowData()
    marshall_styler(proto, styler, "x")
    shown = pa.ipc.open_stream(proto.styler.display_values).read_all().to_pylist()
    return proto.styler.styles, shown


def test_the_cheap_styler_sends_the_same_colours_and_text(world):
    discount(world, "a")
    discount(world, "b", contract="joao")
    plain_tickets(world, 3)
    page, _ = tl.browse(world.store, world.atendente, tl.Filters())
    frame, _ = tl.table_rows(page)
    states = ["vencido", "perto", "", "", ""][: len(frame)]
    mine = deadline_colours(frame, states)
    mine.set_uuid("u")
    default = frame.style.apply(
        lambda col: [DEADLINE_STYLE.get(s, "") for s in states], subset=["Prazo"]
    )
    default.set_uuid("u")
    css, shown = sent(mine)
    assert (css, shown) == sent(default)
    prazo = list(frame.columns).index("Prazo")
    assert f"#T_u_row0_col{prazo} {{ {DEADLINE_STYLE['vencido']} }}" in css
    assert f"#T_u_row1_col{prazo} {{ {DEADLINE_STYLE['perto']} }}" in css
    assert "row2" not in css
    assert [r["Protocolo"] for r in shown] == list(frame["Protocolo"])
    # the cheap one: only the styled cells carry an id (the default gives every cell one)
    mine._compute()
    body = mine._translate(False, False)["body"]
    assert sum(1 for row in body for cell in row if cell.get("id")) == 2

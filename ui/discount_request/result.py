"""The notice a saved discount request leaves in the page's sticky side column, where the
attendant's eye is after clicking the button: ticket, protocol and the script to read to the
customer. It lives in session_state under RESULT so it outlives the form's clear and is shown
after the rerun, until it is closed or a new customer is picked."""

from __future__ import annotations

import streamlit as st

RESULT = "discount_request_result"  # outlives the clear: shown after the rerun

# The sticky column holds the notice in view while the form is long; when the cleared form
# is shorter than the scroll position, the column is pushed up with it. The page then scrolls
# the notice into view, once per saved request (the browser remembers which), re-checking for
# ten seconds while the reruns after a save settle the layout (slow on a busy machine), and
# stopping as soon as the attendant scrolls, types or clicks: it never fights them. Every run
# emits the script: a run cut short by the next one may never have drawn it.
_SCROLL_INTO_VIEW = """<script>(() => {
  const saved = "__PROTOCOL__";
  if (window.__descontoScrolledTo === saved) return;
  window.__descontoScrolledTo = saved;
  let tries = 0, stopped = false;
  const stop = () => { stopped = true; };
  const events = ["wheel", "touchstart", "keydown", "mousedown"];
  events.forEach((name) => window.addEventListener(name, stop, { once: true, capture: true }));
  const go = () => {
    if (stopped) return;
    const el = document.querySelector(".st-key-discount_result");
    if (el) {
      const box = el.getBoundingClientRect();
      if (box.top < 0 || box.top + Math.min(box.height, 250) > window.innerHeight) {
        el.style.scrollMarginTop = "4rem";  // below the app's header, not under it
        el.scrollIntoView({ block: "start" });
      }
    }
    if (++tries < 100) setTimeout(go, 100);
    else events.forEach((name) => window.removeEventListener(name, stop, { capture: true }));
  };
  go();
})();</script>"""


def show_result() -> None:
    """The last save's notice, until the attendant closes it."""
    res = st.session_state.get(RESULT)
    if not res:
        return
    with st.container(border=True, key="discount_result"):
        st.success(
            f"Pedido de desconto registrado: atendimento **#{res['ticket_id']}**, "
            "enviado ao FINANCEIRO." + (" Aguardando o retorno do sinal." if res["waiting"] else "")
        )
        # one under the other: the side column is narrow, and a cut protocol is a wrong one
        st.markdown("**Protocolo**")
        st.code(res["protocol"], language=None)
        st.markdown("**Leia para o cliente**")
        st.code(res["script"], language=None, wrap_lines=True)
        protocol = "".join(ch for ch in str(res["protocol"]) if ch.isalnum())
        st.html(_SCROLL_INTO_VIEW.replace("__PROTOCOL__", protocol), unsafe_allow_javascript=True)
        links = st.container(horizontal=True)
        with links:
            st.page_link(
                "pages/tickets.py",
                label="Ver o atendimento",
                icon=":material/open_in_new:",
                query_params={"id": str(res["ticket_id"])},
            )
            st.button(
                "Fechar aviso",
                key="discount_result_close",
                on_click=lambda: st.session_state.pop(RESULT, None),
            )

"""Router: page config, who is logged in, which pages that role sees; the router's own part and
every page run inside the error guard (ui.errors)."""

import streamlit as st

from ui import errors, navigation, pt_br, session, store_status
from ui.text import plain

# A Material icon, not an emoji: Streamlit checks an emoji page_icon against its emoji catalogue,
# whose import compiles a regex of every emoji (0.3-1 s of the first page's run; issue 17).
st.set_page_config(
    page_title="Desconto em Fatura", page_icon=":material/request_quote:", layout="wide"
)
pt_br.install()

user, page = None, None
with errors.guard():
    store_status.demo_mark()  # a store that cannot be opened shows why here, and stops
    user = session.current_user()
    if user is not None:
        with st.sidebar:
            st.markdown(f"**{plain(user.name)}**  \n{user.role_label} · `{user.username}`")
            if st.button("Sair", icon=":material/logout:", key="logout"):
                session.sign_out()
                st.rerun()
    page = st.navigation(
        navigation.pages_for(user, navigation.requested_path()), expanded=True
    )  # every page listed: no English "View N more"

try:
    if page is not None:
        errors.run_page(page)
finally:  # also after st.stop(): the browser's login cookie follows the session (ui.cookies)
    with errors.guard():
        session.sync_cookie(user)

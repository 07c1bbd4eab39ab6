"""An address no page has (or one the user's role may not open): say so in pt-BR and offer the
way back. ui.navigation routes every unknown address here instead of Streamlit's English
"Page not found" and its jump to the start page."""

import streamlit as st

from ui import navigation, session
from ui.text import plain

user = session.current_user()
heading, sentence = navigation.not_found_text(user, navigation.requested_path())
st.title(heading)
st.markdown(plain(sentence))
start = navigation.start_page(user)
st.page_link(
    start.path, label="Entrar" if user is None else f"Ir para {start.title}", icon=start.icon
)

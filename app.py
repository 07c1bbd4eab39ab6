"""Router: page config, who is logged in, which pages that role sees."""

import streamlit as st

from ui import errors, forms, navigation, session, store_status
from ui.text import plain

st.set_page_config(page_title="Desconto em Fatura", page_icon="💸", layout="wide")
forms.pt_br_required_mark()
store_status.demo_mark()

user = session.current_user()
if user is not None:
    with st.sidebar:
        st.markdown(f"**{plain(user.name)}**  \n{user.role_label} · `{user.username}`")
        if st.button("Sair", icon=":material/logout:", key="logout"):
            session.sign_out()
            st.rerun()

errors.run_page(st.navigation(navigation.pages_for(user)))

"""The Streamlit layer shared by the pages: the store per process, the logged-in user, the
navigation by role, and small display helpers. lib/ never imports this package."""

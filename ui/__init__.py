"""The Streamlit layer shared by the pages: the store per process, the logged-in user, the
navigation by role, the shared form widgets (customer picker, ticket fields, ticket detail) and
the Altair chart specs. Pages import it; lib/ never does."""

"""The Streamlit layer under the pages. Modules here are shared by several pages: the store per
process and the logged-in user (session), the navigation by role, form plumbing (forms), typed
text made plain for markdown (text), the customer picker, the shared ticket fields and detail
panel, and the Altair chart specs. Each sub-package holds one page's blocks and callbacks
(discount_request, ticket_list, new_ticket, catalogs), so the page file itself reads top-down.
Pages import ui; lib/ never does."""

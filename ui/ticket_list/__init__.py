"""The blocks of the "Atendimentos" page (pages/tickets.py): filters and their query string, the
status x department counts, the keyset table and pager, bulk actions and the export. The
ticket's detail panel is ui/ticket_detail.py, which other pages link to as well."""

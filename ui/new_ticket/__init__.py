"""The blocks of the "Novo atendimento" page (pages/new_ticket.py): the form's fields, its state
and callbacks, and the panel shown after a save."""

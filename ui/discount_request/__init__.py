"""The blocks of the "Desconto em fatura" page (pages/discount_request.py): the form's fields,
its state and save callback, the live preview, and the notice shown after a save."""

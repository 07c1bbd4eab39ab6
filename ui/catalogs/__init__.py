"""The blocks of the "Cadastros" page (pages/catalogs.py): one tab per list, and one item's
fields with the create, edit and switch off/on callbacks."""

-- Customer search: the name lower-cased and without accents, so "joao" finds "João" and the
-- live search scans one ready column instead of lower(strip_accents(name)) on every row.
-- lib.store.catalog keeps it filled: insert_customer sets it, and fill_customer_search (run at
-- start-up, after the demo seed) fills rows written in bulk; the search falls back to
-- computing it for a row that still has none.
ALTER TABLE customer ADD COLUMN search_name VARCHAR;
UPDATE customer SET search_name = lower(strip_accents(name));

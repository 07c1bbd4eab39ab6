-- engine: postgresql
-- Issue 18: indexes PostgreSQL needs for what DuckDB answers from its zone maps and a full
-- scan (measured at 1M tickets with bench.suite --pg; README "DuckDB and PostgreSQL at 1M").
-- DuckDB skips this file (an ART index there would cost every write and memory for nothing).

-- the list's first page in opening order, and the charts' period count by status/department
CREATE INDEX ticket_opened_at_id ON ticket (opened_at, id) INCLUDE (status, department_id);
-- the list's count matrix
CREATE INDEX ticket_status_department ON ticket (status, department_id);
-- max(updated_at), which every refresh of the charts' facts reads
CREATE INDEX ticket_updated_at ON ticket (updated_at);
-- a customer's tickets (the search, the customer record)
CREATE INDEX ticket_customer ON ticket (customer_id);
-- the save's overlap check: a contract's earlier requests
CREATE INDEX discount_request_contract ON discount_request (contract_id);
-- the finance queue in deadline order
CREATE INDEX discount_request_open_deadline ON discount_request (deadline, ticket_id)
    WHERE decision IN ('aguardando_retorno', 'pendente', 'aprovado');

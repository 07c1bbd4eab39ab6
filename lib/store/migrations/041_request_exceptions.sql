-- A discount request's exceptions, each explicit and kept with who and why:
-- * a request under the minimum (value R$ 0,00) or past the deadline goes to finance only when
--   the opener confirms it with a reason (confirmation_reason; the opener is ticket.opened_by);
-- * a request covering time another discount of the same contract covers is saved only when a
--   supervisor releases it (overlap_override_by, overlap_override_reason);
-- * exception_note is what finance reads on the request: the same facts as one pt-BR sentence,
--   also written in the ticket's first movement.
ALTER TABLE discount_request ADD COLUMN confirmation_reason VARCHAR;
ALTER TABLE discount_request ADD COLUMN overlap_override_by INTEGER;
ALTER TABLE discount_request ADD COLUMN overlap_override_reason VARCHAR;
ALTER TABLE discount_request ADD COLUMN exception_note VARCHAR;

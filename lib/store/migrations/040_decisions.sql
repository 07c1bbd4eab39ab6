-- Finance's decisions, each one traceable:
-- * a movement records the discount decision's from/to beside the ticket status's, so the
--   history says "Pendente → Aprovado" and a stale screen is told who decided and when;
-- * an applied discount records the invoice's identifier in the billing system (free text,
--   optional) beside its due date;
-- * the new rules (confirmation above N fees, how old or how far ahead an invoice's due date
--   may be) get their defaults, as 002 does for the others (lib.discount.Rules holds the same).

ALTER TABLE movement ADD COLUMN from_decision VARCHAR;
ALTER TABLE movement ADD COLUMN to_decision VARCHAR;
ALTER TABLE discount_request ADD COLUMN invoice_number VARCHAR;

INSERT INTO setting (key, value) VALUES
    ('confirm_fee_multiple', '"3"'),
    ('invoice_max_age_days', '60'),
    ('invoice_max_ahead_days', '120')
ON CONFLICT DO NOTHING;

-- Movements written before this migration: each decision action has one possible from/to,
-- except a rejection or cancellation, whose "from" the request itself tells (no signal return
-- yet: it was waiting for it; an approval before a cancellation: it was approved).
UPDATE movement SET
    from_decision = CASE
        WHEN movement.kind = 'retorno_sinal' THEN 'aguardando_retorno'
        WHEN movement.kind = 'aprovar' THEN 'pendente'
        WHEN movement.kind = 'aplicar' THEN 'aprovado'
        WHEN dr.signal_returned_at IS NULL THEN 'aguardando_retorno'
        WHEN movement.kind = 'cancelar' AND EXISTS (
            SELECT 1 FROM movement a
            WHERE a.ticket_id = movement.ticket_id AND a.kind = 'aprovar'
        ) THEN 'aprovado'
        ELSE 'pendente' END,
    to_decision = CASE movement.kind
        WHEN 'retorno_sinal' THEN 'pendente'
        WHEN 'aprovar' THEN 'aprovado'
        WHEN 'aplicar' THEN 'aplicado'
        WHEN 'reprovar' THEN 'reprovado'
        ELSE 'cancelado' END
FROM discount_request dr
WHERE dr.ticket_id = movement.ticket_id
  AND movement.kind IN ('retorno_sinal', 'aprovar', 'aplicar', 'reprovar', 'cancelar')
  AND movement.from_decision IS NULL AND movement.to_decision IS NULL;

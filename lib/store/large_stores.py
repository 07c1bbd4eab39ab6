"""Big stores for benchmarks (1M, 10M tickets), generated mostly in SQL on DuckDB:
`python -m lib.demo.large` runs `generate_tickets` on the demo's city.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time

from lib.domain import REASONS, TZ
from lib.store import Store, dialect
from lib.store.bulk import advance_sequences, next_ids, reference_ids, table_counts

_FIRST = (
    "Ana Maria João José Pedro Lucas Gabriel Rafael Mariana Juliana Fernanda Camila Bruno "
    "Carlos Paulo Marcos Luiz Antônio Francisca Adriana Patrícia Aline Sandra Márcia Thiago "
    "Felipe Gustavo Rodrigo Letícia Beatriz Larissa Vitória Eduardo Daniel Matheus Leonardo"
).split()
_LAST = (
    "Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro "
    "Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha Dias Nascimento "
    "Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos Gonçalves Araújo"
).split()
_REASON_LABELS = [REASONS[code].label for code in sorted(REASONS)]  # the SQL indexes it by code


def generate_tickets(
    store: Store,
    tickets: int,
    *,
    places: Sequence[tuple[str, str, float, float, int]],
    plans: Sequence[tuple[str, str, int]],
    seed: int = 7,
    today: date | None = None,
) -> dict[str, int]:
    """Add `tickets` tickets over ~3 years (ending today) to a migrated store, mostly in SQL.

    `places` are the city's neighbourhoods (name, CTO code prefix, latitude, longitude, share)
    and `plans` its plans (name, monthly fee as text, share): the caller (lib.demo.large)
    chooses the city.

    About 15% are DESCONTO EM FATURA with a discount request; there is one customer, contract
    and login per 10 tickets (at most 500,000). Statuses and decisions follow the same rules as
    the demo (applied/rejected -> Solucionado, cancelled -> Cancelado, ...). Amounts use the
    Anatel per-minute method, half-up to the cent in integer arithmetic. Deterministic for a
    given seed: every random choice is a hash of the row number. Returns the rows added."""
    if today is None:
        cutoff = datetime.now(TZ).replace(second=0, microsecond=0)
    else:
        cutoff = datetime.combine(today, time(23, 59), TZ)
    end = int(cutoff.timestamp())
    begin = end - 3 * 365 * 86400
    n_cust = min(500_000, max(1, tickets // 10))
    seed = int(seed)
    with store.transaction() as cur:
        if dialect.engine(cur) == dialect.POSTGRESQL:
            # the generator is DuckDB SQL (hash(), lambdas, list functions, a TEMP MACRO)
            raise ValueError(
                "generate_tickets runs on DuckDB only: build the large store in a DuckDB file, "
                "then copy it with `python -m lib.admin copy --from FILE --to postgresql://…`"
            )
        first = next_ids(cur)
        ref = reference_ids(cur)
        before = table_counts(cur)
        subjects = cur.execute(
            "SELECT id, department_id FROM subject WHERE name <> 'DESCONTO EM FATURA' ORDER BY id"
        ).fetchall()
        staff = cur.execute("SELECT id, role, department_id FROM staff ORDER BY id").fetchall()
        openers = [s[0] for s in staff if s[1] == "atendente"] or [None]
        finance = [s[0] for s in staff if s[1] != "atendente"] or [None]
        p = {
            "seed": seed,
            "c0": first["customer"],
            "k0": first["contract"],
            "l0": first["login"],
            "t0": first["ticket"],
            "m0": first["movement"],
            "p0": first["protocol"],
            "n_cust": n_cust,
            "n": tickets,
            "begin": begin,
            "end": end,
            "step": (end - begin) / max(tickets, 1),
            "first": _FIRST,
            "last": _LAST,
            "hoods": [h[0] for h in places],
            "codes": [h[1] for h in places],
            "lats": [h[2] for h in places],
            "lons": [h[3] for h in places],
            "plans": [pl[0] for pl in plans],
            "fees": [pl[1] for pl in plans],
            "subj": [s[0] for s in subjects],
            "subj_dept": [s[1] for s in subjects],
            "disc_subj": ref["subject"]["DESCONTO EM FATURA"],
            "fin_dept": ref["department"]["FINANCEIRO"],
            "openers": openers,
            "finance": finance,
            "labels": _REASON_LABELS,
        }
        # u(i, tag): a uniform number in [0, 1) that depends only on the row and the seed.
        cur.execute(
            f"CREATE OR REPLACE TEMP MACRO u(i, tag) AS "
            f"(hash(i, tag, {seed}) % 1000000000)::DOUBLE / 1e9"
        )
        cur.execute(_LARGE_CUSTOMERS, _only(p, _LARGE_CUSTOMERS))
        cur.execute(_LARGE_CONTRACTS, _only(p, _LARGE_CONTRACTS))
        cur.execute(_LARGE_LOGINS, _only(p, _LARGE_LOGINS))
        cur.execute(_LARGE_GEN, _only(p, _LARGE_GEN))
        cur.execute(_LARGE_TICKETS, _only(p, _LARGE_TICKETS))
        cur.execute(_LARGE_DISCOUNTS, _only(p, _LARGE_DISCOUNTS))
        cur.execute(_LARGE_MOVEMENTS, _only(p, _LARGE_MOVEMENTS))
        cur.execute("DROP TABLE gen_t")
        advance_sequences(cur)
        after = table_counts(cur)
    return {_COUNT_NAMES[k]: after[k] - before[k] for k in after}


# The names seed_demo reports its counts under.
_COUNT_NAMES = {
    "staff": "staff",
    "customer": "customers",
    "contract": "contracts",
    "login": "logins",
    "ticket": "tickets",
    "movement": "movements",
    "discount_request": "discount_requests",
}


def _only(params: dict, sql: str) -> dict:
    """The named parameters `sql` uses (DuckDB refuses unused ones)."""
    return {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}


_LARGE_CUSTOMERS = """
INSERT INTO customer (id, name, cpf_cnpj, phones, email, address, neighbourhood, city,
                      latitude, longitude, search_name)
WITH base AS (
    SELECT i,
           $first[1 + CAST(hash(i, 'fn', $seed) % len($first) AS BIGINT)] AS fn,
           $last[1 + CAST(hash(i, 'ln', $seed) % len($last) AS BIGINT)] AS ln,
           $last[1 + CAST(hash(i, 'st', $seed) % len($last) AS BIGINT)] AS street,
           1 + CAST(hash(i, 'h', $seed) % len($hoods) AS BIGINT) AS h,
           100000000 + CAST(hash(i, 'cpf', $seed) % 899999999 AS BIGINT) AS b
    FROM range($n_cust) t(i)
), dg AS (
    SELECT *, list_transform(range(9), lambda k: (b // CAST(10 ** (8 - k) AS BIGINT)) % 10) AS d
    FROM base
), v1 AS (
    SELECT *, (list_sum(list_transform(range(9), lambda k: d[k + 1] * (10 - k))) * 10) % 11 % 10 AS c1
    FROM dg
), v2 AS (
    SELECT *,
           ((list_sum(list_transform(range(9), lambda k: d[k + 1] * (11 - k))) + c1 * 2) * 10)
               % 11 % 10 AS c2
    FROM v1
)
SELECT $c0 + i, fn || ' ' || ln, CAST(b AS VARCHAR) || c1 || c2,
       '439' || lpad(CAST(hash(i, 'ph', $seed) % 100000000 AS VARCHAR), 8, '0'),
       lower(strip_accents(fn || '.' || ln)) || (i % 100) || '@email.com.br',
       'Rua ' || street || ', ' || (10 + hash(i, 'nr', $seed) % 3990) || ' - ' || $hoods[h]
           || ', Londrina/PR',
       $hoods[h], 'Londrina',
       CASE WHEN u(i, 'nl') >= 0.1 THEN round($lats[h] + (u(i, 'la') - 0.5) * 0.02, 6) END,
       CASE WHEN u(i, 'nl') >= 0.1 THEN round($lons[h] + (u(i, 'lo') - 0.5) * 0.02, 6) END,
       -- the search column written with the row (catalog.search_key's form), so the first
       -- start has nothing to fill (issue 17: the fill took 65.9 s after a 10M build)
       lower(strip_accents(fn || ' ' || ln))
FROM v2
"""

_LARGE_CONTRACTS = """
INSERT INTO contract (id, customer_id, plan, monthly_fee, due_day, status, address, latitude,
                      longitude, started_on)
SELECT $k0 + (c.id - $c0), c.id, $plans[pl], CAST($fees[pl] AS DECIMAL(12, 2)),
       [5, 10, 15, 20, 25][1 + CAST(hash(c.id, 'due', $seed) % 5 AS BIGINT)],
       CASE WHEN u(c.id, 'cs') < 0.95 THEN 'A' ELSE 'S' END,
       c.address, c.latitude, c.longitude,
       CAST(to_timestamp($begin) AS DATE) - CAST(30 + hash(c.id, 'so', $seed) % 2000 AS INTEGER)
FROM (SELECT *, 1 + CAST(hash(id, 'pl', $seed) % len($plans) AS BIGINT) AS pl
      FROM customer WHERE id >= $c0) c
"""

_LARGE_LOGINS = """
INSERT INTO login (id, customer_id, contract_id, username, address, neighbourhood, latitude,
                   longitude, cto_box)
SELECT $l0 + (c.id - $c0), c.id, $k0 + (c.id - $c0),
       lower(strip_accents(replace(c.name, ' ', '.'))) || '.' || ($l0 + (c.id - $c0)),
       c.address, c.neighbourhood,
       CASE WHEN u(c.id, 'll') >= 0.15 THEN c.latitude END,
       CASE WHEN u(c.id, 'll') >= 0.15 THEN c.longitude END,
       'CTO-' || $codes[list_position($hoods, c.neighbourhood)] || '-'
           || lpad(CAST(1 + hash(c.id, 'cto', $seed) % 16 AS VARCHAR), 3, '0')
FROM customer c WHERE c.id >= $c0
"""

# One row per ticket with every choice made; times are epoch seconds until the inserts.
_LARGE_GEN = """
CREATE TEMP TABLE gen_t AS
WITH base AS (
    SELECT i, $t0 + i AS id,
           CAST($begin + (i + u(i, 'o')) * $step AS BIGINT) AS o,
           CAST(hash(i, 'k', $seed) % $n_cust AS BIGINT) AS k,
           u(i, 'd') < 0.15 AS disc,
           1 + CAST(hash(i, 's', $seed) % len($subj) AS BIGINT) AS s,
           u(i, 'r') AS ur, u(i, 'x') AS ux, u(i, 'a') AS ua, u(i, 'b') AS ub
    FROM range($n) t(i)
), d AS (
    SELECT *,
           CASE WHEN ur < 0.15 THEN 1 WHEN ur < 0.35 THEN 2 WHEN ur < 0.70 THEN 3
                WHEN ur < 0.85 THEN 4 ELSE 5 END AS reason,
           CASE WHEN u(i, 'm2') < 0.01 THEN 3 + CAST(hash(i, 'm3', $seed) % 7 AS INTEGER)
                ELSE CAST(exp(ln(12) + u(i, 'm') * ln(5000.0 / 12)) AS INTEGER) END AS minutes
    FROM base
), t AS (
    SELECT *,
           CASE WHEN disc AND reason >= 3
                THEN o - CAST(u(i, 'inc') * 0.5 * minutes AS BIGINT) * 60 END AS inc
    FROM d
), t2 AS (
    SELECT *, coalesce(inc, o) + minutes * 60 AS ret FROM t
), t3 AS (
    SELECT *,
           CASE WHEN NOT disc THEN NULL
                WHEN ret > $end THEN 'aguardando_retorno'
                WHEN $end - ret > 30 * 86400 THEN
                    CASE WHEN ux < 0.76 THEN 'aplicado' WHEN ux < 0.88 THEN 'reprovado'
                         WHEN ux < 0.96 THEN 'cancelado' WHEN ux < 0.99 THEN 'aprovado'
                         ELSE 'pendente' END
                WHEN $end - ret > 3 * 86400 THEN
                    CASE WHEN ux < 0.45 THEN 'aplicado' WHEN ux < 0.55 THEN 'reprovado'
                         WHEN ux < 0.60 THEN 'cancelado' WHEN ux < 0.75 THEN 'aprovado'
                         ELSE 'pendente' END
                ELSE CASE WHEN ux < 0.10 THEN 'aplicado' WHEN ux < 0.20 THEN 'reprovado'
                          WHEN ux < 0.25 THEN 'cancelado' WHEN ux < 0.40 THEN 'aprovado'
                          ELSE 'pendente' END
           END AS decision,
           CASE WHEN disc THEN NULL
                WHEN $end - o < 7200 THEN CASE WHEN ux < 0.5 THEN 'N' ELSE 'EP' END
                WHEN $end - o < 3 * 86400 THEN
                    CASE WHEN ux < 0.15 THEN 'N' WHEN ux < 0.45 THEN 'EP' WHEN ux < 0.55 THEN 'P'
                         WHEN ux < 0.95 THEN 'S' ELSE 'C' END
                ELSE CASE WHEN ux < 0.86 THEN 'S' WHEN ux < 0.94 THEN 'C' WHEN ux < 0.97 THEN 'P'
                          ELSE 'EP' END
           END AS plain_status
    FROM t2
), t4 AS (
    SELECT *,
           CASE WHEN NOT disc THEN plain_status
                WHEN decision IN ('aplicado', 'reprovado') THEN 'S'
                WHEN decision = 'cancelado' THEN 'C'
                WHEN decision = 'aprovado' THEN 'EP'
                WHEN decision = 'pendente' THEN CASE WHEN ua < 0.6 THEN 'EP' ELSE 'N' END
                ELSE CASE WHEN ua < 0.4 THEN 'N' WHEN ua < 0.8 THEN 'EP' ELSE 'P' END
           END AS status,
           -- decisions come after the signal returned (or the opening, if later)
           CASE WHEN disc AND decision NOT IN ('pendente', 'aguardando_retorno')
                THEN greatest(o, ret)
                     + CAST(ub * least(($end - greatest(o, ret)) * 0.5, 3 * 86400) AS BIGINT)
           END AS decided
    FROM t3
), t5 AS (
    SELECT *,
           CASE WHEN status = 'N' THEN NULL
                WHEN decided IS NOT NULL THEN o + CAST(ua * (decided - o) * 0.5 AS BIGINT)
                ELSE least($end, o + 60 + CAST(ua * least(($end - o - 60) * 0.3, 2 * 86400) AS BIGINT))
           END AS assumed,
           CASE WHEN decision = 'aplicado'
                THEN least($end, decided + 60
                     + CAST(u(i, 'ap') * least(($end - decided - 60) * 0.5, 5 * 86400) AS BIGINT))
           END AS applied
    FROM t4
)
SELECT *,
       CASE WHEN decision = 'aplicado' THEN applied
            WHEN decision IN ('reprovado', 'cancelado') THEN decided
            WHEN NOT disc AND status IN ('S', 'C')
                THEN least($end, assumed + 60
                     + CAST(u(i, 'cl') * least(($end - assumed - 60) * 0.5, 5 * 86400) AS BIGINT))
       END AS closed,
       CASE WHEN status = 'P' THEN assumed + ($end - assumed) // 2 END AS pend,
       CASE WHEN disc THEN $fin_dept ELSE $subj_dept[s] END AS dept,
       $openers[1 + CAST(hash(i, 'op', $seed) % len($openers) AS BIGINT)] AS opener,
       CASE WHEN disc THEN $finance[1 + CAST(hash(i, 'fi', $seed) % len($finance) AS BIGINT)]
            ELSE $openers[1 + CAST(hash(i, 'rs', $seed) % len($openers) AS BIGINT)] END AS staff
FROM t5
"""

_LARGE_TICKETS = """
INSERT INTO ticket (id, protocol, customer_id, login_id, contract_id, subject_id,
                    subject_description, address_origin, address, latitude, longitude,
                    department_id, responsible_id, priority, origin, message,
                    pending_interaction, status, opened_at, opened_by, assumed_at, closed_at,
                    updated_at)
SELECT g.id,
       CAST(year(to_timestamp(g.o)) AS VARCHAR) || lpad(CAST($p0 + g.i AS VARCHAR), 8, '0'),
       $c0 + g.k, $l0 + g.k, $k0 + g.k,
       CASE WHEN g.disc THEN $disc_subj ELSE $subj[g.s] END,
       sb.description, 'L', l.address, l.latitude, l.longitude,
       g.dept, CASE WHEN g.assumed IS NOT NULL THEN g.staff END,
       sb.priority, 'I',
       CASE WHEN g.disc
            THEN 'Descrição: ' || $labels[g.reason] || chr(10)
                 || 'Data ocorrido: ' || strftime(to_timestamp(coalesce(g.inc, g.o)), '%d/%m/%Y') || chr(10)
                 || 'Hora da abertura do chamado: ' || strftime(to_timestamp(g.o), '%d/%m/%Y %H:%M') || chr(10)
                 || 'Hora do retorno do sinal da internet: '
                 || CASE WHEN g.ret <= $end THEN strftime(to_timestamp(g.ret), '%d/%m/%Y %H:%M')
                         ELSE 'sinal ainda não retornou' END || chr(10)
                 || 'Período para dar desconto: '
                 || CASE WHEN g.ret <= $end
                         THEN strftime(to_timestamp(coalesce(g.inc, g.o)), '%d/%m/%Y %H:%M') || ' a '
                              || strftime(to_timestamp(g.ret), '%d/%m/%Y %H:%M')
                         ELSE 'a calcular quando o sinal retornar' END || chr(10)
                 || 'Protocolo OPA: OPA' || lpad(CAST(hash(g.i, 'opa', $seed) % 100000000 AS VARCHAR), 8, '0')
            ELSE sb.description || '.' END,
       CASE WHEN g.status IN ('S', 'C') THEN 'N' WHEN g.status = 'P' THEN 'E' ELSE 'I' END,
       g.status, to_timestamp(g.o), g.opener, to_timestamp(g.assumed), to_timestamp(g.closed),
       to_timestamp(greatest(g.o, g.assumed, g.pend, g.decided, g.closed))
FROM gen_t g
JOIN subject sb ON sb.id = CASE WHEN g.disc THEN $disc_subj ELSE $subj[g.s] END
JOIN login l ON l.id = $l0 + g.k
"""

_LARGE_DISCOUNTS = """
INSERT INTO discount_request (ticket_id, contract_id, reason, reason_details, description,
    occurred_on, opened_at, incident_started_at, signal_returned_at, method, monthly_fee, minutes,
    counted_units, computed_amount, approved_amount, decision, decision_reason, decided_by,
    decided_at, invoice_due_date, applied_at, applied_by, opa_protocol, deadline)
WITH x AS (
    SELECT g.*, c.monthly_fee AS fee, c.due_day, l.neighbourhood,
           g.decision <> 'aguardando_retorno' AS back,
           CAST(to_timestamp(coalesce(g.inc, g.o)) AS DATE) AS occurred,
           CAST(to_timestamp(g.applied) AS DATE) AS applied_day
    FROM gen_t g
    JOIN contract c ON c.id = $k0 + g.k
    JOIN login l ON l.id = $l0 + g.k
    WHERE g.disc
), y AS (
    SELECT *,
           CASE WHEN minutes < 10 THEN 0
                ELSE (CAST(fee * 100 AS BIGINT) * minutes * 2 + 43200) // 86400 END AS cents,
           make_date(year(applied_day), month(applied_day), due_day) AS due_this_month
    FROM x
)
SELECT id, $k0 + k, reason,
       CASE reason
           WHEN 1 THEN json_object('data_agendada', CAST(occurred AS VARCHAR),
                                   'nova_data', CAST(occurred + 2 AS VARCHAR))
           WHEN 2 THEN json_object('constatado', ['equipamento', 'nap_cto', 'outro'][1 + i % 3],
                                   'data_visita', CAST(occurred + 1 AS VARCHAR))
           ELSE json_object('incidente', $labels[reason] || ' em ' || neighbourhood,
                            'bairro', neighbourhood)
       END::VARCHAR,
       $labels[reason], occurred, to_timestamp(o), to_timestamp(inc),
       CASE WHEN back THEN to_timestamp(ret) END,
       'anatel_minuto', fee,
       CASE WHEN back THEN minutes END,
       CASE WHEN back THEN CAST(minutes AS DECIMAL(14, 4)) END,
       CASE WHEN back THEN CAST(CAST(cents AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(12, 2)) END,
       CASE WHEN decision IN ('aprovado', 'aplicado')
            THEN CAST(CAST(cents AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(12, 2)) END,
       decision,
       CASE WHEN decision = 'reprovado' THEN 'Interrupção não confirmada no monitoramento da rede.'
            WHEN decision = 'cancelado' THEN 'Cliente desistiu do pedido de desconto.' END,
       CASE WHEN decided IS NOT NULL THEN staff END,
       to_timestamp(decided),
       CASE WHEN decision = 'aplicado' THEN
            CASE WHEN due_this_month >= applied_day THEN due_this_month
                 ELSE CAST(due_this_month + INTERVAL 1 MONTH AS DATE) END END,
       to_timestamp(applied),
       CASE WHEN decision = 'aplicado' THEN staff END,
       'OPA' || lpad(CAST(hash(i, 'opa', $seed) % 100000000 AS VARCHAR), 8, '0'),
       occurred + 90
FROM y
"""

# Movement ids are computed (four slots per ticket) so no window over millions of rows is needed.
_LARGE_MOVEMENTS = """
INSERT INTO movement (id, ticket_id, created_at, staff_id, kind, from_status, to_status, note)
SELECT $m0 + (id - $t0) * 4, id, to_timestamp(o), opener, 'abrir', NULL, 'N', 'Atendimento aberto.'
FROM gen_t
UNION ALL
SELECT $m0 + (id - $t0) * 4 + 1, id, to_timestamp(assumed), staff, 'assumir', 'N', 'EP',
       'Atendimento assumido.'
FROM gen_t WHERE assumed IS NOT NULL
UNION ALL
SELECT $m0 + (id - $t0) * 4 + 2, id,
       to_timestamp(CASE WHEN decision IN ('aprovado', 'aplicado') THEN decided
                         ELSE pend END),
       staff,
       CASE WHEN decision IN ('aprovado', 'aplicado') THEN 'aprovar' ELSE 'pendenciar' END,
       'EP', CASE WHEN decision IN ('aprovado', 'aplicado') THEN 'EP' ELSE 'P' END,
       CASE WHEN decision IN ('aprovado', 'aplicado') THEN 'Desconto aprovado.'
            ELSE 'Aguardando retorno do cliente.' END
FROM gen_t WHERE decision IN ('aprovado', 'aplicado') OR status = 'P'
UNION ALL
SELECT $m0 + (id - $t0) * 4 + 3, id, to_timestamp(closed), staff,
       CASE WHEN decision = 'aplicado' THEN 'aplicar' WHEN decision = 'reprovado' THEN 'reprovar'
            WHEN status = 'C' THEN 'cancelar' ELSE 'solucionar' END,
       'EP', status,
       CASE WHEN decision = 'aplicado' THEN 'Desconto aplicado na fatura.'
            WHEN decision = 'reprovado' THEN 'Desconto reprovado.'
            WHEN status = 'C' THEN 'Cancelado.' ELSE 'Atendimento solucionado.' END
FROM gen_t WHERE status IN ('S', 'C')
"""

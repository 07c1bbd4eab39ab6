"""Demo data: a believable regional fibre ISP in Londrina (PR), deterministic for a given seed.

`seed_demo` builds every row in Python (customers, contracts, logins, staff, ~18 months of
tickets with their history, discount requests grouped in incidents by neighbourhood and CTO box)
and hands them to `lib.store.bulk`, which inserts them in one transaction.
"""

from __future__ import annotations

import json
import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd
from faker import Faker

from lib import fmt
from lib.auth import hash_password
from lib.discount import calculate_discount
from lib.domain import (
    DISCOUNT_SUBJECT,
    FINANCE_DEPARTMENT,
    TZ,
    Action,
    Decision,
    DomainError,
    Status,
    compensation_deadline,
    decision_transition,
    make_protocol,
    next_due_date,
    ticket_transition,
)
from lib.domain import now as clock_now
from lib.store import Store, bulk, identity
from lib.store import incidents as incidents_store
from lib.store import staff as staff_store
from lib.store import tickets as tickets_store
from lib.usecases.discount_requests import DiscountRequestInput, Preview, procedure_text

DEMO_PASSWORD = "demo1234"
CITY, UF, DDD = "Londrina", "PR", "43"
# name, CTO code, centre latitude, centre longitude, share of customers
NEIGHBOURHOODS = [
    ("Centro", "CEN", -23.3103, -51.1628, 18),
    ("Gleba Palhano", "PAL", -23.3405, -51.1830, 14),
    ("Jardim Higienópolis", "HIG", -23.3235, -51.1660, 10),
    ("Cinco Conjuntos", "CCJ", -23.2590, -51.1690, 16),
    ("Vila Nova", "VNO", -23.3040, -51.1490, 10),
    ("Jardim Bandeirantes", "BAN", -23.2985, -51.2005, 12),
    ("Cafezal", "CAF", -23.3520, -51.1480, 10),
    ("Jardim Leonor", "LEO", -23.3270, -51.1965, 10),
]
AVENUES = [
    "Av. Higienópolis",
    "Av. Ayrton Senna da Silva",
    "Av. Madre Leônia Milito",
    "Av. Saul Elkind",
    "Av. Juscelino Kubitschek",
    "Av. Tiradentes",
    "Av. Maringá",
    "Av. Duque de Caxias",
    "Av. Inglaterra",
    "Av. Winston Churchill",
    "Av. Bandeirantes",
    "Av. Arthur Thomas",
    "Av. Theodoro Victorelli",
    "Av. Dez de Dezembro",
    "Av. Rio Branco",
    "Av. Harry Prochet",
]
PLANS = [  # name, monthly fee, share
    ("Fibra 300 Mega", "79.90", 30),
    ("Fibra 400 Mega", "99.90", 28),
    ("Fibra 500 Mega", "119.90", 20),
    ("Fibra 700 Mega", "149.90", 13),
    ("Fibra 1 Giga", "199.90", 9),
]
DEMO_USERS = [  # username, name, role, department
    ("atendente", "Ana Carolina Souza", "atendente", "SUPORTE"),
    ("financeiro", "Fábio Mendes", "financeiro", "FINANCEIRO"),
    ("supervisor", "Sara Oliveira", "supervisor", "FINANCEIRO"),
]
DEMO_NOC = ("noc", "Nelson Cardoso", "NOC")  # opens, edits and closes incidents
OTHER_STAFF = [  # name, role, department, active
    ("Bruno Henrique Lopes", "atendente", "SUPORTE", True),
    ("Camila Ferreira", "atendente", "SUPORTE", True),
    ("Diego Martins", "atendente", "SUPORTE", True),
    ("Juliana Prado", "atendente", "SUPORTE", False),
    ("Rafael Nogueira", "supervisor", "SUPORTE", True),
    ("Patrícia Gomes", "financeiro", "FINANCEIRO", True),
    ("Marcos Vinícius Rocha", "financeiro", "FINANCEIRO", True),
    ("Letícia Almeida", "atendente", "FINANCEIRO", True),
    ("Gustavo Pereira", "atendente", "COMERCIAL", True),
    ("Fernanda Costa", "atendente", "COMERCIAL", True),
    ("Thiago Barbosa", "atendente", "NOC", True),
    ("Eduardo Santos", "atendente", "NOC", True),
    ("Roberto Carvalho", "atendente", "TÉCNICO DE CAMPO", True),
    ("Luiz Fernando Dias", "atendente", "TÉCNICO DE CAMPO", True),
    ("Vanessa Ribeiro", "atendente", "COBRANÇA", True),
]
# Share of the other subjects among tickets that are not discount requests.
SUBJECT_SHARE = {
    "SEM CONEXÃO": 22,
    "LENTIDÃO": 15,
    "QUEDAS FREQUENTES": 10,
    "VISITA TÉCNICA": 9,
    "SEGUNDA VIA DE BOLETO": 14,
    "NEGOCIAÇÃO DE DÉBITO": 6,
    "MUDANÇA DE ENDEREÇO": 4,
    "MUDANÇA DE PLANO": 5,
    "CANCELAMENTO": 3,
    "ROMPIMENTO DE FIBRA": 2,
    "INFORMAÇÕES GERAIS": 10,
}
SUBJECT_MESSAGES = {
    "SEM CONEXÃO": [
        "Cliente informa que está sem internet desde cedo. Luz LOS acesa na ONU.",
        "Sem conexão. Cliente já reiniciou o roteador e a ONU, sem sucesso.",
        "Cliente relata queda total do serviço; PPPoE não autentica.",
    ],
    "LENTIDÃO": [
        "Cliente relata lentidão à noite, principalmente em streaming.",
        "Teste de velocidade do cliente mostra bem menos que o plano contratado.",
    ],
    "QUEDAS FREQUENTES": [
        "Conexão cai várias vezes ao dia, volta sozinha depois de alguns minutos.",
        "Cliente relata instabilidade no Wi-Fi e quedas frequentes.",
    ],
    "VISITA TÉCNICA": [
        "Agendar visita para verificar o cabeamento interno e a ONU.",
        "Cliente pede visita para reposicionar o roteador.",
    ],
    "SEGUNDA VIA DE BOLETO": [
        "Cliente solicita a segunda via da fatura por WhatsApp.",
        "Enviar boleto atualizado para o e-mail do cadastro.",
    ],
    "NEGOCIAÇÃO DE DÉBITO": [
        "Cliente com duas faturas em atraso quer parcelar.",
        "Negociar débito para evitar a suspensão do serviço.",
    ],
    "MUDANÇA DE ENDEREÇO": ["Cliente vai mudar de casa e quer transferir o serviço."],
    "MUDANÇA DE PLANO": [
        "Cliente quer aumentar a velocidade do plano.",
        "Cliente pede para reduzir o plano por questão financeira.",
    ],
    "CANCELAMENTO": ["Cliente pede o cancelamento do contrato por mudança de cidade."],
    "ROMPIMENTO DE FIBRA": ["Vários clientes do mesmo trecho sem sinal; possível rompimento."],
    "INFORMAÇÕES GERAIS": [
        "Cliente pede informações sobre os planos disponíveis.",
        "Dúvida sobre a data de vencimento da fatura.",
    ],
}
FOLLOW_UPS = [
    "Contato com o cliente por telefone; aguardando retorno.",
    "Cliente confirmou as informações pelo WhatsApp.",
    "Verificado no sistema; sinal da ONU normal no momento.",
    "Orientado o cliente a reiniciar os equipamentos.",
    "Solicitada foto da ONU ao cliente.",
]
SOLVED_NOTES = [
    "Atendimento solucionado. Cliente confirmou que está tudo certo.",
    "Resolvido remotamente; conexão normalizada.",
    "Solicitação atendida e comunicada ao cliente.",
    "Técnico esteve no local e resolveu o problema.",
]
CANCEL_NOTES = [
    "Cliente desistiu da solicitação.",
    "Aberto em duplicidade.",
    "Cliente não respondeu aos contatos.",
]
REJECT_REASONS = [
    "Interrupção não confirmada no monitoramento da rede.",
    "Problema constatado no equipamento do cliente, não na rede da empresa.",
    "Pedido feito depois do prazo de 90 dias.",
    "Já existe desconto para o mesmo período neste contrato.",
]
DISCOUNT_CANCEL = ["Cliente desistiu do pedido de desconto.", "Pedido aberto em duplicidade."]
INCIDENT_TEXT = {
    3: "Rompimento de cabo na {street}",
    4: "Queda massiva por erro de configuração no concentrador do {hood}",
    5: "Furto de caixa de emenda na {street}",
}
INCIDENT_DURATION = {  # median minutes, sigma, min, max
    3: (300, 0.8, 40, 3 * 1440),
    4: (90, 0.7, 15, 720),
    5: (600, 0.6, 120, 4 * 1440),
}
METHOD_SHARE = {"anatel_minuto": 92, "ixc_hora_mes": 4, "hora_30min": 2, "dia_4h": 2}
DAYS = 548  # about 18 months of history


@dataclass
class _Ticket:
    """A ticket being built: its fields, its events and, for a discount, its request."""

    opened_at: datetime
    fields: dict[str, Any]
    events: list[tuple[datetime, Action, int | None, str, dict[str, Any]]] = field(
        default_factory=list
    )
    discount: dict[str, Any] | None = None


@cache
def _demo_hash() -> str:
    """argon2 is slow on purpose: hash the demo password once per process."""
    return hash_password(DEMO_PASSWORD)


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_.lower() if ch.isalnum())


def _weighted(rng: random.Random, table: dict[Any, int]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


def _lognormal(rng: random.Random, median_min: float, sigma: float, lo: float, hi: float):
    minutes = min(hi, max(lo, rng.lognormvariate(math.log(median_min), sigma)))
    return timedelta(seconds=int(minutes * 60))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def seed_demo(
    store: Store, *, seed: int = 20261130, today: date | None = None, customers: int = 3000
) -> dict[str, int]:
    """Fill a migrated, empty store with a demo ISP; returns how many rows of each kind.

    Deterministic for a given `seed` and `today` (default: today in America/Sao_Paulo, with the
    history ending now). The demo users (atendente, financeiro, supervisor, noc) log in with the
    password `demo1234`."""
    if today is None:
        cutoff = clock_now().replace(second=0, microsecond=0)
        today = cutoff.date()
    else:
        cutoff = datetime.combine(today, time(23, 59), TZ)
    return _Builder(seed, cutoff, customers).run(store)


class _Builder:
    def __init__(self, seed: int, cutoff: datetime, customers: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("pt_BR")
        self.fake.seed_instance(seed)
        self.cutoff = cutoff
        self.start = datetime.combine(cutoff.date() - timedelta(days=DAYS), time(0), TZ)
        self.n_customers = customers
        self.tickets: list[_Ticket] = []

    # --- people and places ---------------------------------------------------------------------
    def _streets(self) -> dict[str, list[str]]:
        rng, out = self.rng, {}
        avenues = AVENUES[:]
        rng.shuffle(avenues)
        for i, (hood, *_rest) in enumerate(NEIGHBOURHOODS):
            own = avenues[2 * i : 2 * i + 2]
            out[hood] = own + [
                f"Rua {self.fake.first_name()} {self.fake.last_name()}" for _ in range(10)
            ]
        return out

    def _point(self, hood: tuple, spread: float = 0.006) -> tuple[float, float]:
        return (
            round(hood[2] + self.rng.gauss(0, spread), 6),
            round(hood[3] + self.rng.gauss(0, spread), 6),
        )

    def _phone(self, mobile: bool) -> str:
        rng = self.rng
        if mobile:
            return f"{DDD}9{rng.randint(8800, 9999)}{rng.randint(0, 9999):04d}"
        return f"{DDD}3{rng.randint(300, 399)}{rng.randint(0, 9999):04d}"

    def build_customers(self) -> None:
        rng, fake = self.rng, self.fake
        self.streets = self._streets()
        weights = [h[4] for h in NEIGHBOURHOODS]
        cust: dict[str, list] = {
            k: []
            for k in (
                "name",
                "cpf_cnpj",
                "phones",
                "email",
                "address",
                "neighbourhood",
                "city",
                "latitude",
                "longitude",
            )
        }
        self.customer_rows: list[tuple[Any, ...]] = []  # (name, hood, address, lat, lon)
        for _ in range(self.n_customers):
            company = rng.random() < 0.05
            if company:
                name = fake.company()
                doc = _digits(fake.cnpj())
                email = f"contato@{_slug(name.split()[0])}.com.br"
            else:
                name = fake.name()
                doc = _digits(fake.cpf())
                parts = [_slug(p) for p in name.split() if len(p) > 2]
                email = f"{parts[0]}.{parts[-1]}{rng.randint(1, 99)}@{fake.free_email_domain()}"
            hood = rng.choices(NEIGHBOURHOODS, weights=weights)[0]
            address = self._address(hood)
            lat, lon = self._point(hood) if rng.random() >= 0.10 else (None, None)
            phones = [self._phone(True)]
            if rng.random() < 0.4:
                phones.append(self._phone(rng.random() < 0.5))
            for k, v in zip(
                cust,
                (name, doc, ", ".join(phones), email, address, hood[0], CITY, lat, lon),
                strict=True,
            ):
                cust[k].append(v)
            self.customer_rows.append((name, hood, address, lat, lon))
        self.customer_cols = cust

    def _address(self, hood: tuple) -> str:
        street = self.rng.choice(self.streets[hood[0]])
        return f"{street}, {self.rng.randint(10, 3999)} - {hood[0]}, {CITY}/{UF}"

    def build_contracts(self) -> None:
        rng = self.rng
        plan_weights = [p[2] for p in PLANS]
        self.contracts: list[dict[str, Any]] = []
        self.logins: list[dict[str, Any]] = []
        used: set[str] = set()
        boxes = {}
        per_hood: dict[str, int] = {}
        for _name, hood, *_ in self.customer_rows:
            per_hood[hood[0]] = per_hood.get(hood[0], 0) + 1
        for hood in NEIGHBOURHOODS:
            n = max(2, min(20, round(per_hood.get(hood[0], 0) * 1.1 / 25)))
            boxes[hood[0]] = [f"CTO-{hood[1]}-{k:03d}" for k in range(1, n + 1)]
        self.boxes = boxes
        for cid, (name, hood, address, lat, lon) in enumerate(self.customer_rows, start=1):
            n = 2 if rng.random() < 0.10 else 1
            for k in range(n):
                if k == 0:
                    c_hood, c_addr, c_lat, c_lon = hood, address, lat, lon
                else:  # a second address: a shop, a relative's house
                    c_hood = rng.choice(NEIGHBOURHOODS)
                    c_addr = self._address(c_hood)
                    c_lat, c_lon = self._point(c_hood)
                if c_lat is not None and rng.random() < 0.05:
                    c_lat = c_lon = None
                plan = rng.choices(PLANS, weights=plan_weights)[0]
                started = self.start.date() - timedelta(days=rng.randint(30, 6 * 365))
                status = rng.choices("ASC", weights=[93, 4, 3])[0]
                contract = {
                    "customer_id": cid,
                    "plan": plan[0],
                    "monthly_fee": plan[1],
                    "due_day": rng.choice((5, 10, 15, 20, 25)),
                    "status": status,
                    "address": c_addr,
                    "latitude": c_lat,
                    "longitude": c_lon,
                    "started_on": started,
                }
                self.contracts.append(contract)
                parts = [_slug(p) for p in name.split() if len(p) > 2] or ["cliente"]
                while True:
                    user = f"{parts[0]}.{parts[-1]}{rng.randint(1, 999)}"
                    if user not in used:
                        used.add(user)
                        break
                l_lat, l_lon = self._point(c_hood, 0.004) if rng.random() >= 0.15 else (None, None)
                self.logins.append(
                    {
                        "customer_id": cid,
                        "contract_index": len(self.contracts) - 1,
                        "username": user,
                        "address": c_addr,
                        "neighbourhood": c_hood[0],
                        "latitude": l_lat,
                        "longitude": l_lon,
                        "cto_box": rng.choice(boxes[c_hood[0]]),
                    }
                )

    def build_staff(self) -> pd.DataFrame:
        password = _demo_hash()
        rows: list[tuple[str, str, str, str, str | None, bool]] = []
        for username, name, role, dept in DEMO_USERS:
            rows.append((username, name, role, dept, password, True))
        for name, role, dept, active in OTHER_STAFF:
            parts = [_slug(p) for p in name.split()]
            rows.append((f"{parts[0]}.{parts[-1]}", name, role, dept, None, active))
        self.staff_rows = rows
        return pd.DataFrame(
            {
                "username": [r[0] for r in rows],
                "name": [r[1] for r in rows],
                "email": [f"{r[0]}@demo.provedor.com.br" for r in rows],
                "role": [r[2] for r in rows],
                "department_id": pd.Series(
                    [self.ref["department"][r[3]] for r in rows], dtype="Int64"
                ),
                "password_hash": [r[4] for r in rows],
                "active": [r[5] for r in rows],
                "created_at": pd.Series(
                    [self.start - timedelta(days=400)] * len(rows),
                    dtype="datetime64[us, America/Sao_Paulo]",
                ),
            }
        )

    def _staff_lists(self, ids: dict[str, int]) -> None:
        self.staff_name = {ids[r[0]]: r[1] for r in self.staff_rows}
        by_dept: dict[str, list[int]] = {}
        for username, _name, _role, dept, _pw, _active in self.staff_rows:
            by_dept.setdefault(dept, []).append(ids[username])
        self.by_dept = by_dept
        self.openers = [ids[r[0]] for r in self.staff_rows if r[2] == "atendente"]
        self.openers += [ids["atendente"]] * 6  # the demo attendant opens many of them
        fin = [ids[r[0]] for r in self.staff_rows if r[2] in ("financeiro", "supervisor")]
        self.finance = fin + [ids["financeiro"]] * 5
        self.supervisors = [ids[r[0]] for r in self.staff_rows if r[2] == "supervisor"]

    # --- time -----------------------------------------------------------------------------------
    def _random_moment(self) -> datetime:
        """A moment in the window, more of them recently (the ISP grows), in business hours."""
        rng = self.rng
        days_back = int(DAYS * (1 - rng.random() ** 0.8))
        hour = rng.choices(
            range(7, 23), weights=[3, 8, 10, 10, 9, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2]
        )[0]
        day = self.cutoff.date() - timedelta(days=days_back)
        moment = datetime.combine(day, time(hour, rng.randint(0, 59)), TZ)
        if moment > self.cutoff:
            moment = self.cutoff - timedelta(minutes=rng.randint(5, 600))
        return max(moment, self.start + timedelta(hours=8))

    # --- tickets --------------------------------------------------------------------------------
    def _ticket_base(self, subject: str, contract_index: int, opened_at: datetime) -> dict:
        rng = self.rng
        subj = self.subjects[subject]
        contract = self.contracts[contract_index]
        login = self.logins[contract_index]
        cid = contract["customer_id"]
        origin_addr = rng.choices(["C", "L", "CC", "M"], weights=[45, 35, 15, 5])[0]
        if origin_addr == "M":
            address, lat, lon = self._address(rng.choice(NEIGHBOURHOODS)), None, None
        elif origin_addr == "L":
            address, lat, lon = login["address"], login["latitude"], login["longitude"]
        elif origin_addr == "CC":
            address, lat, lon = contract["address"], contract["latitude"], contract["longitude"]
        else:
            _n, _h, address, lat, lon = self.customer_rows[cid - 1]
        with_login = subj["login_required"] or rng.random() < 0.5
        return {
            "customer_id": cid,
            "login_id": contract_index if with_login else None,  # index; mapped to ids later
            "contract_id": contract_index if with_login else None,
            "subject_id": subj["id"],
            "subject_description": subj["description"],
            "address_origin": origin_addr,
            "address": address,
            "latitude": lat,
            "longitude": lon,
            "department_id": subj["department_id"],
            "priority": subj["priority"]
            if rng.random() < 0.8
            else rng.choice(["B", "M", "A", "C"]),
            "origin": "I",
            "opened_at": opened_at,
        }

    def _other_ticket(self) -> _Ticket:
        rng = self.rng
        subject = _weighted(rng, SUBJECT_SHARE)
        opened = self._random_moment()
        f = self._ticket_base(subject, rng.randrange(len(self.contracts)), opened)
        if rng.random() < 0.15:
            f["origin"] = "H"
        f["message"] = rng.choice(SUBJECT_MESSAGES[subject])
        if subject == "VISITA TÉCNICA" or (subject == "SEM CONEXÃO" and rng.random() < 0.3):
            f["reserved_date"] = opened.date() + timedelta(days=rng.randint(1, 4))
            f["best_time"] = rng.choice("MTNQ")
        process = {
            "VISITA TÉCNICA": "Reparo de rede externa",
            "ROMPIMENTO DE FIBRA": "Reparo de rede externa",
            "CANCELAMENTO": "Retirada de equipamento",
            "MUDANÇA DE ENDEREÇO": "Instalação",
        }.get(subject)
        if process:
            f["process_id"] = self.ref["process"][process]
        t = _Ticket(opened, f)
        opener = None if f["origin"] == "H" else rng.choice(self.openers)
        f["opened_by"] = opener
        self._open_events(t, opener)
        dept_name = self.dept_name[f["department_id"]]
        at = opened + _lognormal(rng, 40, 1.5, 1, 3 * 1440)
        assumer = rng.choice(self.by_dept.get(dept_name) or self.openers)
        t.events.append((at, Action.ASSUMIR, assumer, "", {}))
        if rng.random() < 0.10:
            target = rng.choice([d for d in self.by_dept if d != dept_name])
            at += _lognormal(rng, 60, 1.0, 5, 2 * 1440)
            note = f"Encaminhado para {target}: precisa de análise do setor."
            t.events.append(
                (at, Action.ENCAMINHAR, assumer, note, {"to": self.ref["department"][target]})
            )
            at += _lognormal(rng, 45, 1.0, 2, 2 * 1440)
            assumer = rng.choice(self.by_dept[target])
            t.events.append((at, Action.ASSUMIR, assumer, "", {}))
        for _ in range(rng.choices((0, 1, 2), weights=(50, 38, 12))[0]):
            at += _lognormal(rng, 90, 1.0, 2, 2 * 1440)
            t.events.append((at, Action.MENSAGEM, assumer, rng.choice(FOLLOW_UPS), {}))
        outcome = rng.choices("SCPE", weights=(86, 8, 3, 3))[0]
        at += _lognormal(rng, 240, 1.3, 5, 10 * 1440)
        if outcome == "S":
            t.events.append((at, Action.SOLUCIONAR, assumer, rng.choice(SOLVED_NOTES), {}))
        elif outcome == "C":
            t.events.append(
                (at, Action.CANCELAR, assumer, f"Cancelado. Motivo: {rng.choice(CANCEL_NOTES)}", {})
            )
        elif outcome == "P":
            note = "Aguardando retorno do cliente."
            t.events.append((at, Action.PENDENCIAR, assumer, note, {}))
        return t

    def _open_events(self, t: _Ticket, opener: int | None) -> None:
        t.events.append((t.opened_at, Action.ABRIR, opener, "Atendimento aberto.", {}))
        if self.rng.random() < 0.25:
            title, cid = self.rng.choice(list(self.canned.items()))
            t.fields["canned_response_id"] = cid
            t.events.append(
                (t.opened_at, Action.MENSAGEM, opener, self.canned_body[title], {"visible": True})
            )

    # --- discount requests ------------------------------------------------------------------
    def _incidents(self, wanted: int) -> list[tuple]:
        """Incidents (reasons 3-5) hitting the logins of some CTO boxes of a neighbourhood,
        until about `wanted` customers asked for a discount. The last two are recent: one
        that ended yesterday and one still going on (its requests wait for the signal)."""
        rng = self.rng
        by_box: dict[str, list[int]] = {}
        for i, login in enumerate(self.logins):
            by_box.setdefault(login["cto_box"], []).append(i)
        out, asked = [], 0
        recent = [
            (4, self.cutoff - timedelta(hours=30), timedelta(hours=6)),
            (3, self.cutoff - timedelta(hours=3), None),  # not back yet
        ]
        while asked < wanted or recent:
            if asked >= wanted * 0.9 and recent:
                reason, start, duration = recent.pop(0)
            else:
                reason = rng.choices((3, 4, 5), weights=(35, 15, 15))[0]
                start = self._random_moment() - timedelta(hours=rng.randint(0, 12))
                start = max(start, self.start)
                duration = _lognormal(rng, *INCIDENT_DURATION[reason])
            hood = rng.choices(NEIGHBOURHOODS, weights=[h[4] for h in NEIGHBOURHOODS])[0]
            boxes = self.boxes[hood[0]]
            k = {3: rng.randint(1, 3), 4: len(boxes), 5: 1}[reason]
            hit = rng.sample(boxes, min(k, len(boxes)))
            street = rng.choice(self.streets[hood[0]][:2])
            text = INCIDENT_TEXT[reason].format(street=street, hood=hood[0])
            share = rng.uniform(0.15, 0.4) if reason != 4 else rng.uniform(0.03, 0.08)
            logins = [i for box in hit for i in by_box.get(box, []) if rng.random() < share]
            out.append((reason, start, duration, hood[0], hit, text, logins))
            asked += len(logins)
        return out

    def _discount_ticket(
        self,
        reason: int,
        contract_index: int,
        opened: datetime,
        start: datetime,
        returned: datetime | None,
        details: dict[str, Any],
        description: str,
    ) -> _Ticket:
        rng = self.rng
        f = self._ticket_base(DISCOUNT_SUBJECT, contract_index, opened)
        f["login_id"] = f["contract_id"] = contract_index
        f["address_origin"] = rng.choices(["L", "C", "CC"], weights=[70, 20, 10])[0]
        login, contract = self.logins[contract_index], self.contracts[contract_index]
        src = {"L": login, "CC": contract}.get(f["address_origin"])
        if src is None:
            _n, _h, address, lat, lon = self.customer_rows[contract["customer_id"] - 1]
        else:
            address, lat, lon = src["address"], src["latitude"], src["longitude"]
        f.update(address=address, latitude=lat, longitude=lon, department_id=self.finance_dept)
        f["priority"] = "M" if rng.random() < 0.85 else "A"
        opener = rng.choice(self.openers)
        f["opened_by"] = opener
        fee = Decimal(contract["monthly_fee"])
        method = _weighted(rng, METHOD_SHARE)
        occurred = start.date()
        t = _Ticket(opened, f)
        t.discount = {
            "contract_index": contract_index,
            "reason": reason,
            "reason_details": json.dumps(details, ensure_ascii=False),
            "description": description,
            "occurred_on": occurred,
            "opened_at": opened,
            "incident_started_at": start if reason >= 3 else None,
            "start": start,
            "returned": returned,
            "method": method,
            "monthly_fee": fee,
            "opa_protocol": f"OPA{rng.randint(0, 99_999_999):08d}",
            "deadline": compensation_deadline(occurred),
        }
        self._open_events(t, opener)
        # The attendant records the return when it comes after the request was saved.
        at = opened
        if returned is not None and returned > opened:
            at = returned + _lognormal(rng, 60, 1.0, 5, 1440)
            note = "Retorno do sinal informado pelo cliente."
            t.events.append((at, Action.RETORNO_SINAL, rng.choice(self.openers), note, {}))
        elif returned is None:
            at = self.cutoff + timedelta(days=1)  # never, in this history
        fin = rng.choice(self.finance)
        assumed = opened + _lognormal(rng, 240, 1.1, 5, 5 * 1440)
        t.events.append((assumed, Action.ASSUMIR, fin, "", {}))
        if assumed < at and rng.random() < 0.3:
            t.events.append(
                (
                    assumed + timedelta(minutes=rng.randint(1, 30)),
                    Action.PENDENCIAR,
                    fin,
                    "Aguardando o retorno do sinal para calcular o desconto.",
                    {},
                )
            )
            t.events.append(
                (at + timedelta(minutes=rng.randint(30, 600)), Action.ASSUMIR, fin, "", {})
            )
        at = max(at, t.events[-1][0]) + _lognormal(rng, 60, 1.0, 2, 3 * 1440)
        outcome = rng.choices(
            ("aplicado", "reprovado", "cancelado", "aprovado", "pendente"),
            weights=(74, 12, 7, 2, 1),
        )[0]
        if outcome in ("aplicado", "aprovado"):
            t.events.append((at, Action.APROVAR, fin, "", {}))
            if outcome == "aplicado":
                at += _lognormal(rng, 1440, 0.8, 30, 10 * 1440)
                t.events.append((at, Action.APLICAR, fin, "", {}))
        elif outcome == "reprovado":
            t.events.append((at, Action.REPROVAR, fin, rng.choice(REJECT_REASONS), {}))
        elif outcome == "cancelado":
            t.events.append((at, Action.CANCELAR, fin, rng.choice(DISCOUNT_CANCEL), {}))
        return t

    def build_discounts(self, wanted: int) -> None:
        rng = self.rng
        massive = round(wanted * 0.65)
        self.incident_specs: list[dict] = []  # issue 15: loaded as real incidents by _insert
        for reason, start, duration, hood, boxes, text, logins in self._incidents(massive):
            returned = None if duration is None else start + duration
            self.incident_specs.append(
                {
                    "reason": reason,
                    "title": text,
                    "started_at": start,
                    "ended_at": returned
                    if returned is not None and returned <= self.cutoff
                    else None,
                    "boxes": sorted(boxes),
                    "hood": hood,
                }
            )
            # Customers ask while it lasts or in the day and a half after it ends.
            window = (duration + timedelta(hours=36)) if duration else (self.cutoff - start)
            for li in logins:
                opened = start + timedelta(
                    minutes=rng.randint(10, int(window.total_seconds() // 60))
                )
                if opened > self.cutoff:
                    continue
                if returned is not None and returned > self.cutoff:
                    returned = None
                details = {"incidente": text, "bairro": hood}
                ticket = self._discount_ticket(reason, li, opened, start, returned, details, text)
                assert ticket.discount is not None
                ticket.discount["incident_index"] = len(self.incident_specs) - 1
                self.tickets.append(ticket)
        for _ in range(wanted - massive):
            reason = rng.choices((1, 2), weights=(15, 20))[0]
            li = rng.randrange(len(self.logins))
            if reason == 1:
                booked = self._random_moment().date()
                opened = datetime.combine(booked, time(rng.randint(13, 19), rng.randint(0, 59)), TZ)
                new_day = booked + timedelta(days=rng.randint(1, 4))
                details = {"data_agendada": booked.isoformat(), "nova_data": new_day.isoformat()}
                desc = "Técnico não compareceu; visita remarcada."
            else:
                opened = self._random_moment()
                new_day = opened.date() + timedelta(days=rng.randint(0, 3))
                found = rng.choices(["equipamento", "nap_cto", "outro"], weights=(50, 35, 15))[0]
                details = {"constatado": found, "data_visita": new_day.isoformat()}
                desc = {
                    "equipamento": "ONU com defeito trocada na visita.",
                    "nap_cto": "Porta da CTO com defeito.",
                    "outro": "Conector danificado na rede da empresa.",
                }[found]
            returned = datetime.combine(new_day, time(rng.randint(9, 17), rng.randint(0, 59)), TZ)
            if returned <= opened:
                returned = opened + _lognormal(rng, 180, 0.8, 30, 1440)
            if opened > self.cutoff:
                continue
            if returned > self.cutoff:
                returned = None
            self.tickets.append(
                self._discount_ticket(reason, li, opened, opened, returned, details, desc)
            )

    # --- replay: events -> ticket status, discount decision, movements ----------------------
    def _replay(self, t: _Ticket) -> list[dict]:
        rng = self.rng
        f, d = t.fields, t.discount
        status: Status | None = None
        decision = None
        if d is not None:
            ret = d["returned"]
            known = ret is not None and ret <= d["opened_at"]
            decision = Decision.PENDENTE if known else Decision.AGUARDANDO_RETORNO
            d["signal_returned_at"] = ret if known else None
        f["responsible_id"] = None
        moves: list[dict] = []
        last = t.opened_at
        for at, action, staff, note, extra in sorted(t.events, key=lambda e: e[0]):
            if at > self.cutoff:
                break
            if action == Action.ABRIR:
                frm, to = None, Status.NOVO
            else:
                assert status is not None  # every history starts with ABRIR
                frm = status
                to = ticket_transition(action, status)
            if d is not None and action in (
                Action.RETORNO_SINAL,
                Action.APROVAR,
                Action.REPROVAR,
                Action.APLICAR,
                Action.CANCELAR,
            ):
                assert decision is not None  # set above for every discount
                decision = decision_transition(action, decision)
                note = self._decide(d, action, at, staff, note)
            move = {
                "at": at,
                "staff_id": staff,
                "kind": action.value,
                "from_status": frm.value if frm else None,
                "to_status": to.value,
                "from_department_id": None,
                "to_department_id": None,
                "note": note,
                "customer_visible": bool(extra.get("visible")),
            }
            if action == Action.ASSUMIR:
                assert staff is not None  # someone always assumes
                move["note"] = f"Assumido por {self.staff_name[staff]}."
                f["responsible_id"] = staff
                f.setdefault("assumed_at", at)
            elif action == Action.ENCAMINHAR:
                move["from_department_id"] = f["department_id"]
                move["to_department_id"] = extra["to"]
                f["department_id"] = extra["to"]
                f["responsible_id"] = None
            elif action in (Action.SOLUCIONAR, Action.REPROVAR, Action.APLICAR, Action.CANCELAR):
                f["closed_at"] = at
            moves.append(move)
            status, last = to, at
        assert status is not None
        f["status"] = status.value
        f["updated_at"] = last
        if status in (Status.SOLUCIONADO, Status.CANCELADO):
            f["pending_interaction"] = "N"
        elif status == Status.PENDENTE:
            f["pending_interaction"] = "E"
            f["complementary_status_id"] = self.ref["complementary_status"][
                "Em análise"
                if d
                else rng.choice(["Aguardando cliente", "Aguardando peça", "Aguardando visita"])
            ]
        else:
            f["pending_interaction"] = rng.choice("IIA")
        if d is not None:
            assert decision is not None
            d["decision"] = decision.value
            if "calc" not in d:
                self._calculate(d)
            f["message"] = self._procedure(d)
        return moves

    def _calculate(self, d: dict) -> None:
        ret = d["signal_returned_at"]
        d["minutes"] = d["counted_units"] = d["computed_amount"] = None
        if ret is None:
            return
        calc = calculate_discount(d["monthly_fee"], d["start"], ret, d["method"])
        d["calc"] = calc
        d["minutes"] = calc.minutes
        d["counted_units"] = str(calc.counted_units)
        d["computed_amount"] = str(calc.amount)

    def _decide(self, d: dict, action: Action, at: datetime, staff: int | None, note: str) -> str:
        rng = self.rng
        if action == Action.RETORNO_SINAL:
            d["signal_returned_at"] = d["returned"]
            self._calculate(d)
            calc = d["calc"]
            return f"Retorno do sinal: {fmt.day_time(d['returned'])} ({calc.duration_text}). {calc.formula}"
        if action == Action.APROVAR:
            if "calc" not in d:
                self._calculate(d)
            computed = d["calc"].amount
            approved = computed
            d["decided_by"], d["decided_at"] = staff, at
            if computed >= 2 and rng.random() < 0.05:
                approved = computed.to_integral_value(rounding="ROUND_DOWN").quantize(
                    Decimal("0.01")
                )
                d["adjustment_reason"] = "Valor arredondado em acordo com o cliente."
            d["approved_amount"] = str(approved)
            if approved != computed:
                return (
                    f"Desconto aprovado com ajuste: {fmt.brl(approved)} (calculado {fmt.brl(computed)}). "
                    f"Motivo: {d['adjustment_reason']}"
                )
            return f"Desconto aprovado: {fmt.brl(computed)}."
        if action == Action.APLICAR:
            due = next_due_date(self.contracts[d["contract_index"]]["due_day"], at.date())
            d["invoice_due_date"], d["applied_at"], d["applied_by"] = due, at, staff
            return (
                f"Desconto de {fmt.brl(Decimal(d['approved_amount']))} aplicado na fatura com "
                f"vencimento em {due:%d/%m/%Y}."
            )
        d["decided_by"], d["decided_at"], d["decision_reason"] = staff, at, note
        if action == Action.REPROVAR:
            return f"Desconto reprovado. Motivo: {note}"
        return f"Cancelado. Motivo: {note}"

    def _procedure(self, d: dict) -> str:
        data = DiscountRequestInput(
            customer_id=None,
            login_id=None,
            contract_id=None,
            reason=d["reason"],
            occurred_on=d["occurred_on"],
            opened_at=d["opened_at"],
            signal_returned_at=d["signal_returned_at"],
            opa_protocol=d["opa_protocol"],
            description=d["description"],
        )
        ret = d["signal_returned_at"]
        preview = Preview(
            calc=d.get("calc") if ret is not None else None,
            findings=[],
            period_start=d["start"],
            period_end=ret,
            invoice_due_date=None,
            deadline=d["deadline"],
            monthly_fee=d["monthly_fee"],
            method=d["method"],
        )
        return procedure_text(data, preview)

    # --- frames ---------------------------------------------------------------------------------
    def run(self, store: Store) -> dict[str, int]:
        with store.transaction() as cur:
            if not identity.is_demo(cur):
                raise DomainError(
                    "Esta base não foi criada como demonstração: dados e usuários de "
                    "demonstração só entram numa base criada com DESCONTO_DEMO=1."
                )
            if bulk.table_counts(cur)["ticket"] or bulk.table_counts(cur)["customer"]:
                raise ValueError("seed_demo: the store already has customers or tickets")
            self.ref = bulk.reference_ids(cur)
            subjects = cur.execute(
                "SELECT name, id, description, department_id, priority, login_required FROM subject"
            ).fetchall()
            self.subjects = {
                s[0]: dict(
                    zip(
                        ("id", "description", "department_id", "priority", "login_required"),
                        s[1:],
                        strict=True,
                    )
                )
                for s in subjects
            }
            self.dept_name = {v: k for k, v in self.ref["department"].items()}
            self.finance_dept = self.ref["department"][FINANCE_DEPARTMENT]
            self.canned = self.ref["canned_response"]
            self.canned_body = dict(
                cur.execute("SELECT title, body FROM canned_response").fetchall()
            )
            staff_ids = bulk.insert_staff_missing(cur, self.build_staff())
            self._staff_lists(staff_ids)
            first = bulk.next_ids(cur)

            self.build_customers()
            self.build_contracts()
            total = round(self.n_customers * 25 / 3)
            self.build_discounts(round(self.n_customers * 1.0))
            for _ in range(total - len(self.tickets)):
                self.tickets.append(self._other_ticket())
            self.tickets.sort(key=lambda t: t.opened_at)

            counts = self._insert(cur, first)
            bulk.advance_sequences(cur)
            # the NOC demo login, outside the generated staff so the seeded data stays the same
            staff_store.insert_staff(
                cur,
                username=DEMO_NOC[0],
                name=DEMO_NOC[1],
                role="noc",
                password_hash=_demo_hash(),
                department_id=self.ref["department"][DEMO_NOC[2]],
                email=f"{DEMO_NOC[0]}@demo.provedor.com.br",
            )
            counts["staff"] += 1
        return counts

    def _insert(self, cur, first: dict[str, int]) -> dict[str, int]:
        c0, k0, l0 = first["customer"], first["contract"], first["login"]
        t0, m0, p0 = first["ticket"], first["movement"], first["protocol"]
        cust = pd.DataFrame({"id": range(c0, c0 + self.n_customers), **self.customer_cols})
        bulk.insert_frame(cur, "customer", cust)
        contracts = pd.DataFrame(self.contracts)
        contracts.insert(0, "id", range(k0, k0 + len(contracts)))
        contracts["customer_id"] += c0 - 1
        bulk.insert_frame(cur, "contract", contracts, {"monthly_fee": "DECIMAL(12,2)"})
        logins = pd.DataFrame(self.logins)
        logins.insert(0, "id", range(l0, l0 + len(logins)))
        logins["customer_id"] += c0 - 1
        logins["contract_id"] = logins.pop("contract_index") + k0
        bulk.insert_frame(cur, "login", logins)

        ticket_rows, move_rows, discount_rows = [], [], []
        for i, t in enumerate(self.tickets):
            tid = t0 + i
            ticket_moves = self._replay(t)
            f = t.fields
            f["id"] = tid
            f["protocol"] = make_protocol(t.opened_at.year, p0 + i)
            f["customer_id"] += c0 - 1
            if f.get("login_id") is not None:
                f["login_id"] += l0
                f["contract_id"] += k0
            ticket_rows.append({**_TICKET_DEFAULTS, **f})
            for m in ticket_moves:
                m["ticket_id"] = tid
                move_rows.append(m)
            if t.discount is not None:
                d = t.discount
                d["ticket_id"] = tid
                d["contract_id"] = d.pop("contract_index") + k0
                discount_rows.append({c: d.get(c) for c in _DISCOUNT_COLUMNS})
                if d.get("incident_index") is not None:
                    self.incident_specs[d["incident_index"]].setdefault("tickets", []).append(tid)

        tickets = pd.DataFrame(ticket_rows)
        _ts(tickets, ("opened_at", "assumed_at", "closed_at", "updated_at"))
        _ints(
            tickets,
            (
                "login_id",
                "contract_id",
                "process_id",
                "responsible_id",
                "canned_response_id",
                "complementary_status_id",
                "opened_by",
            ),
        )
        bulk.insert_frame(cur, "ticket", tickets)

        moves = pd.DataFrame(move_rows).rename(columns={"at": "created_at"})
        moves.insert(0, "id", range(m0, m0 + len(moves)))
        _ts(moves, ("created_at",))
        _ints(moves, ("staff_id", "from_department_id", "to_department_id"))
        bulk.insert_frame(cur, "movement", moves)

        disc = pd.DataFrame(discount_rows)
        disc["monthly_fee"] = disc["monthly_fee"].map(str)
        _ts(
            disc,
            ("opened_at", "incident_started_at", "signal_returned_at", "decided_at", "applied_at"),
        )
        _ints(disc, ("minutes", "decided_by", "applied_by"))
        money = {
            c: "DECIMAL(12,2)"
            for c in ("monthly_fee", "computed_amount", "approved_amount")
            if c in disc.columns
        }
        bulk.insert_frame(
            cur, "discount_request", disc, {**money, "counted_units": "DECIMAL(14,4)"}
        )
        # The replay writes ticket statuses only; the history's "Pendente → Aprovado" comes from
        # the decision each movement kind implies, as migration 040 does for older stores.
        tickets_store.fill_decision_history(cur)
        for spec in getattr(self, "incident_specs", []):
            incidents_store.load_incident(cur, spec, self.cutoff)
        return {
            "staff": len(self.staff_rows),
            "customers": len(cust),
            "contracts": len(contracts),
            "logins": len(logins),
            "tickets": len(tickets),
            "movements": len(moves),
            "discount_requests": len(disc),
        }


_TICKET_DEFAULTS = dict.fromkeys(
    (
        "reserved_date",
        "best_time",
        "process_id",
        "canned_response_id",
        "complementary_status_id",
        "opened_by",
        "assumed_at",
        "closed_at",
    )
)
_DISCOUNT_COLUMNS = (
    "ticket_id",
    "contract_id",
    "reason",
    "reason_details",
    "description",
    "occurred_on",
    "opened_at",
    "incident_started_at",
    "signal_returned_at",
    "method",
    "monthly_fee",
    "minutes",
    "counted_units",
    "computed_amount",
    "approved_amount",
    "adjustment_reason",
    "decision",
    "decision_reason",
    "decided_by",
    "decided_at",
    "invoice_due_date",
    "applied_at",
    "applied_by",
    "opa_protocol",
    "deadline",
)


def _ts(df: pd.DataFrame, cols: tuple[str, ...]) -> None:
    """Zone-aware datetimes to a datetime64[us, America/Sao_Paulo] column. Going through epoch
    microseconds is ~10x faster than letting pandas convert ZoneInfo-aware objects."""
    for c in cols:
        if c in df.columns:
            epoch_us = [
                float("nan") if v is None or v != v else round(v.timestamp() * 1e6) for v in df[c]
            ]
            stamps = pd.to_datetime(epoch_us, unit="us", utc=True).tz_convert(TZ)
            df[c] = pd.Series(stamps, index=df.index).astype(pd.DatetimeTZDtype(unit="us", tz=TZ))


def _ints(df: pd.DataFrame, cols: tuple[str, ...]) -> None:
    for c in cols:
        if c in df.columns:
            df[c] = pd.Series(
                [None if v is None or v != v else int(v) for v in df[c]],
                index=df.index,
                dtype="Int64",
            )

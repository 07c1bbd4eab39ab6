"""A small client for IXC Soft's REST webservice, with the standard library's urllib (no
third-party HTTP library for a handful of POSTs).

The shape it speaks, from IXC's API documentation: `POST <url>/webservice/v1/<table>` with
Basic authentication of the API token, a JSON body; the header `ixcsoft: listar` turns the POST
into a listing, paged with `page`/`rp` and filtered with `qtype`/`query`/`oper`
(`sortname`/`sortorder` for the order), answered with `{"page", "total", "registros"}`. Without
that header the POST inserts a record (answered `{"type": "success", "id": ...}`). Errors come
as an HTTP status or as `{"type": "error", "message": ...}`.

This was tested against a local server that answers in that shape (tests/unit/test_ixc_api.py),
never against a live IXC.

Configuration, in `.streamlit/secrets.toml` (never in git):

    [ixc]
    url = "https://ixc.provedor.com.br"
    token = "12:4f9d..."        # the API user's token, as IXC shows it
    timeout = 30                # seconds per request (optional)
    page_size = 500             # rows per page (optional)
    discount_table = "cliente_contrato_descontos"  # where batches are pushed (optional)
"""

from __future__ import annotations

import base64
import json
import os
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lib.domain import TZ, DomainError

MAX_PAGES = 10_000


class IxcApiError(DomainError):
    """The IXC API could not be used: the message says why, in pt-BR."""


@dataclass(frozen=True)
class IxcConfig:
    url: str
    token: str
    timeout: float = 30
    page_size: int = 500
    # where a batch's discounts are pushed (configurable: not verified against a live IXC)
    discount_table: str = "cliente_contrato_descontos"

    def endpoint(self, table: str) -> str:
        return f"{self.url.rstrip('/')}/webservice/v1/{table}"


def secrets_file() -> Path:
    return Path(os.environ.get("DESCONTO_SECRETS", ".streamlit/secrets.toml"))


def load_config(path: Path | None = None) -> IxcConfig | None:
    """The [ixc] section of the secrets file; None when there is none (the API is optional)."""
    path = path or secrets_file()
    if not path.is_file():
        return None
    try:
        section = tomllib.loads(path.read_text("utf-8")).get("ixc")
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise IxcApiError(f"{path}: não foi possível ler a configuração ({exc}).") from exc
    if not section:
        return None
    url, token = str(section.get("url", "")).strip(), str(section.get("token", "")).strip()
    if not url.startswith(("https://", "http://")) or not token:
        raise IxcApiError(f"{path}: a seção [ixc] precisa de url (http/https) e token.")
    try:
        timeout = float(section.get("timeout", 30))
        page_size = int(section.get("page_size", 500))
    except (TypeError, ValueError) as exc:
        raise IxcApiError(f"{path}: timeout e page_size da seção [ixc] são números.") from exc
    if not 0 < timeout <= 600 or not 1 <= page_size <= 10_000:
        raise IxcApiError(f"{path}: timeout entre 1 e 600 s, page_size entre 1 e 10000.")
    table = str(section.get("discount_table", "cliente_contrato_descontos")).strip()
    if not table.replace("_", "").isalnum():
        raise IxcApiError(f"{path}: discount_table da seção [ixc] é um nome de tabela do IXC.")
    return IxcConfig(url, token, timeout, page_size, table)


def _post(cfg: IxcConfig, table: str, body: dict[str, Any], *, listing: bool) -> Any:
    auth = base64.b64encode(cfg.token.encode()).decode()
    headers = {"Authorization": f"Basic {auth}", "Content-Type": "application/json"}
    if listing:
        headers["ixcsoft"] = "listar"
    request = urllib.request.Request(
        cfg.endpoint(table), data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=cfg.timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise IxcApiError(
                f"O IXC recusou o token (HTTP {exc.code}) em {table}: confira o token em "
                ".streamlit/secrets.toml e as permissões do usuário da API."
            ) from exc
        raise IxcApiError(f"O IXC respondeu HTTP {exc.code} em {table}.") from exc
    except TimeoutError as exc:
        raise IxcApiError(f"O IXC não respondeu em {cfg.timeout:g} s ({table}).") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise IxcApiError(f"O IXC não respondeu em {cfg.timeout:g} s ({table}).") from exc
        raise IxcApiError(f"Não foi possível conectar ao IXC ({exc.reason}).") from exc
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IxcApiError(f"Resposta do IXC em {table} não é JSON válido.") from exc
    if isinstance(answer, dict) and answer.get("type") == "error":
        message = str(answer.get("message", ""))[:300]
        raise IxcApiError(f"O IXC recusou o pedido em {table}: {message}")
    return answer


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def list_pages(
    cfg: IxcConfig, table: str, *, changed_since: datetime | None = None
) -> Iterator[list[dict[str, str]]]:
    """Every row of `table` (changed at or after `changed_since`, by `ultima_atualizacao`),
    page by page, in id order; each value as text."""
    if changed_since is not None:
        since = changed_since.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
        query = {"qtype": f"{table}.ultima_atualizacao", "query": since, "oper": ">="}
    else:
        query = {"qtype": f"{table}.id", "query": "0", "oper": ">"}
    seen = 0
    for page in range(1, MAX_PAGES + 1):
        body = {
            **query,
            "page": str(page),
            "rp": str(cfg.page_size),
            "sortname": f"{table}.id",
            "sortorder": "asc",
        }
        answer = _post(cfg, table, body, listing=True)
        try:
            total = int(answer["total"])
            rows = answer.get("registros") or []
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise TypeError
        except (KeyError, TypeError, ValueError) as exc:
            raise IxcApiError(
                f"Página {page} de {table} malformada: esperado {{page, total, registros}}."
            ) from exc
        if rows:
            seen += len(rows)
            yield [{str(k).lower(): _cell(v) for k, v in r.items()} for r in rows]
        if not rows or seen >= total:
            return
    raise IxcApiError(f"{table}: mais de {MAX_PAGES} páginas; aumente page_size.")


def insert(cfg: IxcConfig, table: str, values: dict[str, Any]) -> str:
    """Insert one record; the id IXC gave it."""
    answer = _post(cfg, table, values, listing=False)
    if not isinstance(answer, dict) or answer.get("type") != "success":
        raise IxcApiError(f"Resposta inesperada do IXC ao inserir em {table}.")
    return str(answer.get("id", ""))

"""A local HTTP server on 127.0.0.1 that answers like IXC Soft's REST webservice, as its API
documentation describes it: POST /webservice/v1/<table>, Basic auth with the token, the header
`ixcsoft: listar` for listings paged by `page`/`rp` and filtered by `qtype`/`query`/`oper`,
answering `{page, total, registros}`; a POST without the header inserts. It can also refuse the
token, stall (a timeout) or send a malformed page, for the tests."""

from __future__ import annotations

import base64
import csv
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TOKEN = "7:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
DATA = Path(__file__).resolve().parent / "data" / "ixc"


def rows_of(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text("utf-8")
    delimiter = ";" if text.splitlines()[0].count(";") else ","
    return list(csv.DictReader(text.splitlines(), delimiter=delimiter))


@dataclass
class FakeIxc:
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    token: str = TOKEN
    stall_seconds: float = 0  # sleep before answering (a timeout)
    malformed_page: int | None = None  # this page answers a broken body
    requests: list[dict] = field(default_factory=list)
    inserted: list[tuple[str, dict]] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeIxc:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                table = self.path.rstrip("/").rsplit("/", 1)[-1]
                fake.requests.append(
                    {
                        "table": table,
                        "body": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                if fake.stall_seconds:
                    time.sleep(fake.stall_seconds)
                expected = "Basic " + base64.b64encode(fake.token.encode()).decode()
                if self.headers.get("Authorization") != expected:
                    return self._send(401, {"type": "error", "message": "Token inválido"})
                if not self.path.startswith("/webservice/v1/"):
                    return self._send(404, {"type": "error", "message": "not found"})
                if self.headers.get("ixcsoft") != "listar":
                    fake.inserted.append((table, body))
                    return self._send(200, {"type": "success", "id": str(len(fake.inserted))})
                page, rp = int(body.get("page", 1)), int(body.get("rp", 20))
                if page == fake.malformed_page:
                    return self._raw(200, b'{"page": "2", "registros": [')
                found = fake.tables.get(table, [])
                column = str(body.get("qtype", "")).rsplit(".", 1)[-1]
                query, oper = str(body.get("query", "")), body.get("oper", "=")
                if column == "ultima_atualizacao" and oper == ">=":
                    found = [r for r in found if r.get("ultima_atualizacao", "") >= query]
                elif column == "id" and oper == ">":
                    found = [r for r in found if int(r["id"]) > int(query or 0)]
                found = sorted(found, key=lambda r: int(r["id"]))
                chunk = found[(page - 1) * rp : page * rp]
                self._send(200, {"page": str(page), "total": str(len(found)), "registros": chunk})

            def _send(self, status, payload):
                self._raw(status, json.dumps(payload).encode())

            def _raw(self, status, data):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

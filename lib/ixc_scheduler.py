"""The server's scheduled sync with IXC's API: a daemon thread that checks every minute whether
the schedule (a setting, on the Importar do IXC page) asks for a sync, runs it like the page's
"Sincronizar agora" and logs the counts, or the error with an id (lib.usecases.ixc_sync).

The sync's use-cases (and pandas, which the import reads files with) are imported only when the
API is configured: every server imports this module at start, before its login page is drawn
(issue 17: pandas alone was ~0.4 s of the first script run)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from lib import logs
from lib.domain import now as clock_now
from lib.ixc_api import IxcApiError, IxcConfig, load_config
from lib.store import Store

if TYPE_CHECKING:
    from lib.usecases import ixc_import as imp


class SyncScheduler:
    """A daemon thread that checks every `tick` seconds whether a scheduled sync is due."""

    def __init__(self, store: Store, cfg: IxcConfig, tick: float = 60) -> None:
        self.store, self.cfg, self.tick = store, cfg, tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="desconto-ixc-sync", daemon=True)

    def start(self) -> SyncScheduler:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.tick):
            self.run_once()

    def run_once(self) -> list[imp.FileResult] | None:
        from lib.usecases.ixc_sync import claim_due, sync

        try:
            if not claim_due(self.store, clock_now()):
                return None
            results = sync(self.store, None, self.cfg)
        except Exception as exc:  # logged; the next tick tries again
            logs.unexpected(logs.new_error_id(), exc, user=None, page="sincronização IXC")
            return None
        for r in results:
            logs.event("sincronização IXC", **r.counts, kind=r.kind)
        return results

    def stop(self, timeout: float = 30) -> None:
        """Stop, and wait for a sync under way (the runtime then checkpoints and closes the
        store: a sync still writing would find it closed)."""
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)


def start_scheduler(store: Store) -> SyncScheduler | None:
    """The server's scheduler, when the API is configured (None otherwise, or when the
    configuration is wrong: that is logged, and the page says it too)."""
    try:
        cfg = load_config()
    except IxcApiError as exc:
        logs.event("sincronização IXC desligada", error=str(exc))
        return None
    return SyncScheduler(store, cfg).start() if cfg is not None else None

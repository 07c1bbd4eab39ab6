"""Built Vega-Lite specs, cached by the data they are drawn from (issue 17).

Building an Altair chart and turning it into the Vega-Lite dict Streamlit sends took 10-75 ms a
chart on every rerun (Altair validates each property as it is set, deep-copies on every
`.encode`/`.properties`, and serialises the frame to Arrow), though a rerun usually draws the
same data again. `chart(builder, *args)` stands for `builder(*args)`: st.altair_chart reads its
`to_dict()`, answered from the cache when this builder already drew these very arguments.

What invalidates an entry: its key is a digest of the builder's module and name and of the
pickled arguments (a DataFrame pickles with its values, columns, index and dtypes), so any
change to the data or to an option gives another key and a fresh build; an old chart can never
be shown for new data. Nothing else goes into a spec: the builders are pure functions of their
arguments (ui/charts.py, ui/chart_views.py, ui/incidents/charts.py) and the code only changes
with the process. Entries are evicted least recently used (MAX_ENTRIES).
"""

from __future__ import annotations

import copy
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import altair as alt

MAX_ENTRIES = 256
# Streamlit's own data transformer (registered by st.altair_chart before it calls to_dict):
# it stores each frame as Arrow bytes under a hash of those bytes.
STREAMLIT_TRANSFORMER = "to_arrow_dataset"

_lock = threading.Lock()
_specs: OrderedDict[str, dict] = OrderedDict()
stats = {"hits": 0, "builds": 0}  # read by the tests and bench scripts


def _key(builder: Callable, args: tuple, kwargs: dict) -> str | None:
    """A digest of the builder and its arguments; None (never cached) when they do not pickle."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    try:
        payload = pickle.dumps((name, args, sorted(kwargs.items())), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


def clear() -> None:
    with _lock:
        _specs.clear()


class Spec:
    """A chart to draw: `builder(*args, **kwargs)`, built only when its spec is not cached
    (or when its Altair object is asked for: the PNG download, the title)."""

    def __init__(self, builder: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self._builder, self._args, self._kwargs = builder, args, kwargs
        self.key = _key(builder, args, kwargs)
        self._chart: Any = None

    @property
    def chart(self) -> Any:
        """The Altair chart itself."""
        if self._chart is None:
            self._chart = self._builder(*self._args, **self._kwargs)
        return self._chart

    def to_dict(self, *args: Any, validate: bool = True, **kwargs: Any) -> dict:
        """What st.altair_chart reads: the Vega-Lite dict, its data as Arrow datasets
        (ui.chart_blocks.Unvalidated passes `validate`, as for an Altair chart)."""
        if (
            self.key is None
            or alt.data_transformers.active != STREAMLIT_TRANSFORMER
            or args
            or kwargs
        ):
            # not Streamlit drawing it (a PNG export, a test): the plain conversion
            return self.chart.to_dict(*args, validate=validate, **kwargs)
        with _lock:
            found = _specs.get(self.key)
            if found is not None:
                _specs.move_to_end(self.key)
                stats["hits"] += 1
        if found is None:
            datasets: dict[str, Any] = {}
            # Streamlit holds its Altair lock around this call (its theme and transformer are
            # process-wide): the frames go into our own dict, so the cached spec carries them.
            with alt.data_transformers.enable(STREAMLIT_TRANSFORMER, datasets=datasets):
                found = self.chart.to_dict(validate=validate)
            found["datasets"] = {**(found.get("datasets") or {}), **datasets}
            with _lock:
                _specs[self.key] = found
                while len(_specs) > MAX_ENTRIES:
                    _specs.popitem(last=False)
                stats["builds"] += 1
        # Streamlit moves the datasets out of the dict it gets: hand it a copy (the Arrow
        # bytes are immutable and shared)
        return copy.deepcopy(found)


def chart(builder: Callable[..., Any], *args: Any, **kwargs: Any) -> Spec:
    """`builder(*args, **kwargs)`, drawn from the cache when the same arguments were drawn."""
    return Spec(builder, args, kwargs)

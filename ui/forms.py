"""Form plumbing shared by the pages: an idempotency key per form, and clearing a form's widgets
only after a successful save (STYLE.md: a fast double click must never lose or double a save)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, cast

import streamlit as st

from ui.text import plain


def labels(names: Mapping[Any, str]) -> Callable[[Any], str]:
    """`names.get` as a widget's format_func. Streamlit's stubs refuse its `str | None`, but a
    value no longer among the options must format as None (Streamlit then drops it), not raise
    as a `names[v]` lookup would."""
    return cast("Callable[[Any], str]", names.get)


def idempotency_key(prefix: str) -> str:
    """A key that stays the same across reruns until the form is cleared after a save."""
    name = f"{prefix}__idem"
    if name not in st.session_state:
        st.session_state[name] = uuid.uuid4().hex
    return st.session_state[name]


def clear(prefix: str) -> None:
    """Forget every widget of the form (keys starting with `prefix`) and its idempotency key."""
    for key in [k for k in st.session_state.keys() if str(k).startswith(prefix)]:
        del st.session_state[key]


def form_prefix(name: str) -> str:
    """The widget-key prefix of form `name`, e.g. `dr0_`. It changes after each `reset`: a new
    key is a new widget, so the browser shows it empty. Deleting a widget's key (`clear`) only
    resets it on the server; the browser keeps showing the old text and sends it back on the
    next interaction."""
    return f"{name}{st.session_state.get(f'{name}__generation', 0)}_"


def reset(name: str) -> None:
    """Empty form `name` after a successful save: forget its widgets and idempotency key, and
    move its widgets to new keys."""
    clear(form_prefix(name))
    st.session_state[f"{name}__generation"] = st.session_state.get(f"{name}__generation", 0) + 1


def required_note(text: str = "Campos marcados são obrigatórios.") -> None:
    """The one line that says marked fields are required."""
    st.caption(text)


def flash(key: str) -> None:
    """Show, once, the ("ok" | "erro", message) a callback left under `key`; the message may
    hold what someone typed, so it is shown as plain text."""
    if message := st.session_state.pop(key, None):
        (st.success if message[0] == "ok" else st.error)(plain(message[1]))

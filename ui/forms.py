"""Form plumbing shared by the pages: an idempotency key per form, and clearing a form's widgets
only after a successful save (STYLE.md: a fast double click must never lose or double a save)."""

from __future__ import annotations

import uuid

import streamlit as st


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


def prefix(name: str) -> str:
    """The widget-key prefix of form `name` for the ticket being filled now.

    It changes after each successful save (see `reset`): widgets with new keys are new widgets,
    so the browser shows them empty. Deleting a widget's state alone does not reach the browser,
    which keeps showing (and sends back) what was typed.
    """
    return f"{name}{st.session_state.get(f'{name}__gen', 0)}_"


def reset(name: str) -> None:
    """After a successful save: move form `name` to fresh widget keys and forget the old ones
    (their values and the idempotency key)."""
    old = prefix(name)
    st.session_state[f"{name}__gen"] = st.session_state.get(f"{name}__gen", 0) + 1
    clear(old)


# Streamlit 1.67 writes its required mark in English, "(required)", with no way to translate it;
# the mark keeps its place and style, only its words change.
_REQUIRED_MARK_PT_BR = (
    "<style>[data-testid='stWidgetLabelRequired']{font-size:0}"
    "[data-testid='stWidgetLabelRequired']::after{content:'(obrigatório)';font-size:0.75rem}"
    "</style>"
)


def required_note(text: str = "Campos marcados são obrigatórios.") -> None:
    """The one line that says marked fields are required, and the mark in pt-BR."""
    st.html(_REQUIRED_MARK_PT_BR)
    st.caption(text)

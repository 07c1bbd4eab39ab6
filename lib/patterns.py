"""Regular expressions that supervisors type (the OPA protocol format), made safe to run.

The pattern runs on every keystroke of the discount form, so one catastrophic pattern such as
`(a+)+b` or `(a|a)+b` could hold a server thread for minutes (Python's `re` backtracks
exponentially on them and cannot be interrupted). Three guards:

- when a supervisor saves a pattern, `check_pattern` compiles it, refuses a quantifier nested
  inside another (`(a+)+`, `(\\w*)*`, `(x{2,})+`: never needed for a protocol format and the
  classic shape of catastrophic backtracking), and runs a worst-case probe (long runs of the
  pattern's own characters, with and without a non-matching tail) under a time limit;
- `fullmatch` runs through the `regex` module, whose matching takes a timeout (the standard
  `re` has none), so even a pattern saved before these checks cannot hang the server;
- the text is capped at MAX_INPUT characters before any matching.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # the parser behind `re`
from functools import lru_cache

import regex

from lib.domain import DomainError

MAX_PATTERN = 200  # characters of the pattern itself
MAX_INPUT = 64  # characters matched; an OPA protocol has 6 to 20
PROBE_TIMEOUT = 0.05  # seconds for each worst-case probe when a pattern is saved
MATCH_TIMEOUT = 0.1  # seconds for one match while the attendant types

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}
_REPEATS |= {getattr(sre_parse, "POSSESSIVE_REPEAT", sre_parse.MAX_REPEAT)}


class PatternTimeout(DomainError):
    """The pattern took too long on this text."""


@lru_cache(maxsize=32)
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def check_pattern(pattern: str, field: str = "Formato do protocolo OPA") -> str:
    """The pattern, stripped, when it is safe to run on every keystroke; a pt-BR DomainError
    naming `field` otherwise."""
    pattern = (pattern or "").strip()
    if not pattern:
        raise DomainError(f"{field}: informe a expressão regular.")
    if len(pattern) > MAX_PATTERN:
        raise DomainError(f"{field}: use no máximo {MAX_PATTERN} caracteres.")
    try:
        parsed = sre_parse.parse(pattern)
        compiled = regex.compile(pattern)
    except (re.error, regex.error) as exc:
        raise DomainError(f"{field}: expressão regular inválida ({exc}).") from exc
    if _nested_repeat(parsed.data if hasattr(parsed, "data") else list(parsed), inside=False):
        raise DomainError(
            f"{field}: a expressão tem um repetidor dentro de outro (como (a+)+), que pode "
            "travar o sistema. Escreva sem repetir um grupo que já repete, por exemplo "
            "[A-Za-z0-9]{6,20}."
        )
    for probe in _probes(pattern):
        try:
            compiled.fullmatch(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError as exc:
            raise DomainError(
                f"{field}: a expressão demora demais para conferir um texto de "
                f"{MAX_INPUT} caracteres e pode travar o sistema. Simplifique-a "
                "(evite alternativas que se sobrepõem, como (a|a)+)."
            ) from exc
    return pattern


def fullmatch(pattern: str, text: str) -> bool:
    """Whether all of `text` matches `pattern`, with the input capped and a time limit.
    Raises PatternTimeout when the pattern takes too long (a pt-BR message)."""
    if len(text) > MAX_INPUT:
        return False
    try:
        return _compiled(pattern).fullmatch(text, timeout=MATCH_TIMEOUT) is not None
    except TimeoutError as exc:
        raise PatternTimeout(
            "Não foi possível conferir o formato: a expressão configurada demora demais. "
            "Peça a um supervisor para revisá-la em Configurações."
        ) from exc


def _nested_repeat(items: list, *, inside: bool) -> bool:
    """Whether a repeat that can match more than once holds another such repeat."""
    for op, arg in items:
        if op in _REPEATS:
            low, high, body = arg
            repeats = high is sre_parse.MAXREPEAT or high > 1
            if repeats and inside:
                return True
            if _nested_repeat(list(body), inside=inside or repeats):
                return True
        elif op is sre_parse.SUBPATTERN:
            if _nested_repeat(list(arg[-1]), inside=inside):
                return True
        elif op is sre_parse.BRANCH:
            if any(_nested_repeat(list(b), inside=inside) for b in arg[1]):
                return True
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            if _nested_repeat(list(arg[1]), inside=inside):
                return True
    return False


def _probes(pattern: str) -> list[str]:
    """Worst-case texts: long runs of each character the pattern names (and a few common
    ones), alone and followed by a character that breaks the match."""
    chars = [c for c in dict.fromkeys(pattern) if c.isprintable() and c not in "\\()[]{}?*+|^$"]
    chars = list(dict.fromkeys([*chars[:20], "a", "A", "0", " ", "-", "."]))
    out = []
    for c in chars:
        out += [c * MAX_INPUT, c * (MAX_INPUT - 1) + "\x00"]
    pairs = [a + b for a in chars[:6] for b in chars[:6] if a != b]
    out += [(p * MAX_INPUT)[: MAX_INPUT - 1] + "\x00" for p in pairs]
    return out

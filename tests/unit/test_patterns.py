"""The OPA format setting: a catastrophic regex is refused when saved, and even one already in
the store cannot hang the server (the input is capped and matching has a time limit)."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from lib import patterns
from lib.discount import Rules, validate_request
from lib.domain import TZ, DomainError
from lib.usecases import settings
from tests.unit.test_discount import draft

CATASTROPHIC = [r"(a+)+b", r"(a|a)+b", r"(a|aa)+b", r"(\w*)*", r"(?:x{2,})+", r"(.*a){20}"]
FINE = [r"[A-Za-z0-9]{6,20}", r"\d{8}", r"(OPA-)?\d{6,20}", r"[A-Z]{3}\d{3,10}", r"^(a?){3}a{3}$"]


def save(world, pattern: str):
    return settings.update(
        world.store,
        world.supervisor,
        min_minutes=10,
        deadline_days=90,
        max_fee_multiple="1",
        opa_pattern=pattern,
        opa_hint="x",
        default_method="anatel_minuto",
    )


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_are_refused_when_saved(world, pattern):
    started = time.monotonic()
    with pytest.raises(DomainError, match="travar o sistema"):
        save(world, pattern)
    assert time.monotonic() - started < 5  # the probe itself is bounded
    assert settings.current(world.store, world.supervisor).opa_pattern == Rules().opa_pattern


@pytest.mark.parametrize("pattern", FINE)
def test_ordinary_patterns_are_kept(world, pattern):
    assert save(world, pattern).opa_pattern == pattern


@pytest.mark.parametrize("pattern", ["([", "a{2,1}", "", "   ", "x" * 201])
def test_broken_or_empty_patterns_are_refused(world, pattern):
    with pytest.raises(DomainError, match="Formato do protocolo OPA"):
        save(world, pattern)


def test_a_bad_pattern_already_stored_cannot_hang_the_form():
    # A pattern saved before these checks (straight into the store): the form's check on every
    # keystroke gives up after MATCH_TIMEOUT and says so in Portuguese.
    rules = Rules.from_settings({"opa_pattern": r"(a|a)+b"})
    started = time.monotonic()
    findings = validate_request(
        draft(opa_protocol="a" * 60), rules, datetime(2026, 11, 30, 16, tzinfo=TZ)
    )
    assert time.monotonic() - started < 5
    (opa,) = [f for f in findings if f.code == "opa_formato"]
    assert "demora demais" in opa.message


def test_input_is_capped_before_matching():
    rules = Rules.from_settings({"opa_pattern": r"[A-Za-z0-9]+"})
    findings = validate_request(draft(opa_protocol="A" * 65), rules, datetime.now(TZ))
    assert [f.message for f in findings if f.code == "opa_formato"] == [
        "Protocolo OPA: use no máximo 64 caracteres."
    ]
    assert patterns.fullmatch(r"[A-Za-z0-9]+", "A" * 64)
    assert not patterns.fullmatch(r"[A-Za-z0-9]+", "A" * 65)

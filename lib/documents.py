"""Brazilian taxpayer numbers: CPF (people, 11 digits) and CNPJ (companies, 14 digits), with
their check digits. Pure functions; the import and the customer forms share them."""

from __future__ import annotations

from lib.domain import DomainError


def digits(text: object) -> str:
    return "".join(ch for ch in str(text or "") if ch.isdigit())


def _cpf_ok(d: str) -> bool:
    if len(d) != 11 or d == d[0] * 11:
        return False
    for size in (9, 10):
        total = sum(int(d[i]) * (size + 1 - i) for i in range(size))
        check = (total * 10) % 11 % 10
        if check != int(d[size]):
            return False
    return True


def _cnpj_ok(d: str) -> bool:
    if len(d) != 14 or d == d[0] * 14:
        return False
    for size in (12, 13):
        weights = list(range(size - 7, 1, -1)) + list(range(9, 1, -1))
        total = sum(int(d[i]) * w for i, w in enumerate(weights))
        check = 0 if total % 11 < 2 else 11 - total % 11
        if check != int(d[size]):
            return False
    return True


def check_cpf_cnpj(text: object) -> str:
    """The digits of a valid CPF or CNPJ (typed with or without punctuation); DomainError
    (pt-BR) naming what is wrong otherwise."""
    raw = str(text or "").strip()
    if not raw:
        raise DomainError("CPF/CNPJ em branco.")
    if any(not (ch.isdigit() or ch in " .-/") for ch in raw):
        raise DomainError(f"CPF/CNPJ {raw!r} tem caracteres que não são números.")
    d = digits(raw)
    if len(d) == 11:
        if not _cpf_ok(d):
            raise DomainError(f"CPF {raw} inválido (dígitos verificadores não conferem).")
        return d
    if len(d) == 14:
        if not _cnpj_ok(d):
            raise DomainError(f"CNPJ {raw} inválido (dígitos verificadores não conferem).")
        return d
    raise DomainError(f"CPF/CNPJ {raw} com {len(d)} dígitos (CPF tem 11, CNPJ tem 14).")

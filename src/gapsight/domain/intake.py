"""The public signal form's defences against spam, as pure rules (no third parties).

A form anyone can post to attracts robots. Four cheap defences, each checkable by
hand, keep them out without a CAPTCHA service:

- **honeypot**: a field (:data:`HONEYPOT`) hidden from people by the style sheet and
  labelled "leave this empty"; robots that fill in every field fill it in too;
- **time to submit**: the form carries a *stamp* — the moment it was shown, signed
  with the installation's secret (HMAC-SHA256) — and a submission is refused when it
  comes back faster than :attr:`IntakeRules.min_seconds` (no person types a complaint
  in two seconds), later than :attr:`IntakeRules.max_seconds`, or with a forged stamp;
- **rate limit per address**: at most :attr:`IntakeRules.per_window` accepted
  submissions from one network address within :attr:`IntakeRules.window_seconds`;
  the count is kept in the database (``signal_intake``), as an HMAC of the address,
  so it holds across processes and restarts;
- **size limits**: every field has a maximum length (:data:`PUBLIC_LIMITS`); longer
  input is refused with a message, never truncated silently.

Whatever is typed is stored as text and always shown HTML-escaped (the templates
autoescape), so markup or script in a complaint stays harmless text.

Example::

    >>> rules = IntakeRules()
    >>> stamp = make_stamp("secret", 1_000.0)
    >>> check_stamp("secret", stamp, 1_001.0, rules)
    'too_fast'
    >>> check_stamp("secret", stamp, 1_010.0, rules) is None
    True
    >>> check_stamp("other secret", stamp, 1_010.0, rules)
    'stamp_invalid'
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "HONEYPOT",
    "PUBLIC_LIMITS",
    "IntakeRules",
    "address_key",
    "check_stamp",
    "make_stamp",
]

HONEYPOT = "website"
"""Name of the honeypot field (people leave it empty; it is hidden from them)."""

PUBLIC_LIMITS: Mapping[str, int] = {
    "client_organisation": 200,
    "client_group": 200,
    "service_domain": 200,
    "supplier": 200,
    "contact_person": 200,
    "contact_email": 320,
    "description": 5_000,
}
"""Longest accepted text per field of the public form (characters)."""


@dataclass(frozen=True)
class IntakeRules:
    """Limits of the public form (see the module docstring)."""

    min_seconds: float = 3.0
    max_seconds: float = 24 * 60 * 60
    per_window: int = 5
    window_seconds: float = 60 * 60


def _sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def make_stamp(secret: str, shown_at: float) -> str:
    """The signed stamp of a form shown at ``shown_at`` (seconds since the epoch)."""
    moment = f"{shown_at:.0f}"
    return f"{moment}.{_sign(secret, 'signal-form:' + moment)}"


def check_stamp(secret: str, stamp: str, now: float, rules: IntakeRules) -> str | None:
    """``None`` when ``stamp`` is genuine and its age is within the rules; else the
    problem code: ``stamp_invalid``, ``too_fast`` or ``expired``."""
    moment, _, signature = stamp.partition(".")
    if not moment.isdigit() or not hmac.compare_digest(
        signature.encode(), _sign(secret, "signal-form:" + moment).encode()
    ):
        return "stamp_invalid"
    age = now - int(moment)
    if age < rules.min_seconds:
        return "too_fast"
    if age > rules.max_seconds:
        return "expired"
    return None


def address_key(secret: str, address: str) -> str:
    """The HMAC under which submissions from ``address`` are counted (the address
    itself is not stored).

    >>> len(address_key("s", "192.0.2.1"))
    64
    """
    return hmac.new(secret.encode(), ("addr:" + address).encode(), hashlib.sha256).hexdigest()

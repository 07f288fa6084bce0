"""The links an e-mail carries: the personal survey link and the opt-out link.

**Personal link** ``<base>/r/<token>``. The token is derived, not stored:
``base64url(HMAC-SHA256(secret, "gapsight-link:<invitation id>"))`` — 256 bits that
nobody can guess without the installation's secret key. The database keeps only its
SHA-256 hash (``invitations.token_hash``, looked up by
:func:`gapsight.services.samples.find_by_token`), yet a reminder can carry the *same*
link as the invitation, because the token can be derived again. (A token issued
another way — :func:`gapsight.services.samples.issue_token` — cannot be recovered; a
reminder then replaces it with the derived one.) Keep ``secret_key`` stable: with a
new key, reminders carry new links and older links stop working.

**Opt-out link** ``<base>/optout/<token>``: the invitation id signed with the same
secret (:mod:`itsdangerous`, its own salt), so it needs no storage and cannot be forged
to opt someone else out.

Example::

    >>> links = Links(secret="s" * 48, base_url="https://survey.example.org/")
    >>> token = links.personal_token(42)
    >>> len(token) >= 43 and token == links.personal_token(42) != links.personal_token(43)
    True
    >>> links.survey_url(42).startswith("https://survey.example.org/r/")
    True
    >>> links.optout_invitation(links.optout_url(42).rsplit("/", 1)[1])
    42
    >>> links.optout_invitation("forged") is None
    True
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeSerializer

__all__ = ["Links"]


@dataclass(frozen=True)
class Links:
    """Makes and checks the links of one installation (its secret and public address)."""

    secret: str
    base_url: str

    @property
    def _base(self) -> str:
        return self.base_url.rstrip("/")

    def personal_token(self, invitation_id: int) -> str:
        """The survey-link token of invitation ``invitation_id`` (always the same)."""
        digest = hmac.new(
            self.secret.encode("utf-8"), f"gapsight-link:{invitation_id}".encode(), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def survey_url(self, invitation_id: int) -> str:
        """``<base>/r/<token>``: the respondent's personal questionnaire link."""
        return f"{self._base}/r/{self.personal_token(invitation_id)}"

    def _signer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt="gapsight-optout")

    def optout_token(self, invitation_id: int) -> str:
        """A signed token naming invitation ``invitation_id``."""
        return str(self._signer().dumps(invitation_id))

    def optout_url(self, invitation_id: int) -> str:
        """``<base>/optout/<token>``: the link that stops further mail of this wave."""
        return f"{self._base}/optout/{self.optout_token(invitation_id)}"

    def optout_invitation(self, token: str) -> int | None:
        """The invitation id of a valid opt-out token, ``None`` for anything else."""
        try:
            value = self._signer().loads(token)
        except BadData:
            return None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

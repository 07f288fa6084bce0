"""The secret that signs session cookies (and with them the CSRF tokens).

``settings.secret_key`` wins when set (several web workers or hosts must share one).
Otherwise a random key is generated once and kept in ``data_dir/secret_key``, readable
by the owner only (mode 0600, restored when the file is found with wider permissions),
so sessions survive a restart of ``gapsight serve``.

Example::

    >>> import tempfile
    >>> from pathlib import Path
    >>> from gapsight.config import Settings
    >>> s = Settings(data_dir=Path(tempfile.mkdtemp()))
    >>> key = secret_key(s)
    >>> key == secret_key(s), oct((s.data_dir / "secret_key").stat().st_mode & 0o777)
    (True, '0o600')
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from gapsight.config import Settings

__all__ = ["KEY_FILE", "secret_key"]

KEY_FILE = "secret_key"
"""File name of the generated key inside the data directory."""
_MIN_LENGTH = 32


def secret_key(settings: Settings) -> str:
    """The configured secret, or the persisted one (created on first use)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / KEY_FILE
    if path.is_file():
        if path.stat().st_mode & 0o077:
            # Copied or restored with wider permissions: others must not read it.
            path.chmod(0o600)
        stored = path.read_text(encoding="utf-8").strip()
        # A short or empty file (e.g. an interrupted first start) is replaced.
        return stored if len(stored) >= _MIN_LENGTH else _replace(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Create with 0600 from the start, so there is no moment in which others could
    # read it; when another worker created it first, use theirs.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key


def _replace(path: Path) -> str:
    key = secrets.token_urlsafe(48)
    path.chmod(0o600)
    path.write_text(key + "\n", encoding="utf-8")
    return key

"""Whether FastAPI's native OpenTelemetry instrumentation runs (setting ``telemetry``).

FastAPI ≥ 0.160 instruments every request with OpenTelemetry when a tracer, meter or
logger provider is configured; to find out, it asks the global providers on *every*
request (reading environment variables each time). With the setting off — the
default — all three signals are switched off in the application's configuration, so
that check ends at once: the page-submission benchmark spent about 2 % of the
server's CPU on it (py-spy, ``benchmarks/RESULTS.md``). Turn it on
(``GAPSIGHT_TELEMETRY=true``) when an OpenTelemetry SDK is set up for the process.

Example::

    >>> from gapsight.config import Settings
    >>> telemetry_config(Settings(telemetry=False))
    {'tracing': False, 'metrics': False, 'logs': False}
    >>> telemetry_config(Settings(telemetry=True)) is None
    True
"""

from __future__ import annotations

from fastapi.telemetry import TelemetryConfig

from gapsight.config import Settings

__all__ = ["telemetry_config"]


def telemetry_config(settings: Settings) -> TelemetryConfig | None:
    """The ``telemetry=`` argument of ``FastAPI(...)`` for ``settings``: ``None``
    (FastAPI's defaults: the global providers) when the setting is on, otherwise all
    signals off."""
    if settings.telemetry:
        return None
    return {"tracing": False, "metrics": False, "logs": False}

"""The web application factory.

``create_app(settings)`` builds a FastAPI app from explicit settings (no globals), so
tests and several workers can each build their own. This is the foundation of the web
tier; the coordinator and respondent pages arrive with the web-application issue.

Example::

    >>> from gapsight.config import Settings
    >>> app = create_app(Settings.from_env({"GAPSIGHT_DATA_DIR": "/tmp/gs-doc"}))
    >>> app.title
    'gapsight'
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from gapsight import __version__
from gapsight.config import Settings

__all__ = ["create_app"]

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gapsight</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.5}}code{{background:#f2f2f2;padding:0 .25rem}}</style></head>
<body><h1>gapsight</h1>
<p>{intro}</p>
<ul>{items}</ul>
<p><small>gapsight {version} · {db}</small></p></body></html>"""


def create_app(settings: Settings) -> FastAPI:
    """A FastAPI application serving ``settings``' database."""
    app = FastAPI(title="gapsight", version=__version__, docs_url="/api/docs")
    app.state.settings = settings

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        """Liveness probe for load balancers."""
        return {"status": "ok", "version": __version__}

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        """Landing page listing the studies in the database."""
        lines = [f"<li>{escape(line)}</li>" for line in _study_lines(settings)]
        nl = settings.default_language == "nl"
        intro = (
            "Onderzoeken in deze database (analyse en export via de opdrachtregel: "
            "<code>gapsight --help</code>):"
            if nl
            else "Studies in this database (analysis and export on the command line: "
            "<code>gapsight --help</code>):"
        )
        db = "SQLite" if settings.is_sqlite else "PostgreSQL"
        return _PAGE.format(
            lang=settings.default_language,
            intro=intro,
            items="".join(lines) or "<li>—</li>",
            version=__version__,
            db=db,
        )

    return app


def _study_lines(settings: Settings) -> list[str]:
    from gapsight.services import web_overview

    return web_overview.study_lines(settings)

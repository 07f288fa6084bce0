"""gapsight: measure and improve customer orientation.

The analyst API lives here (``import gapsight``); see ``docs/analyst-api.md``.
"""

__version__ = "0.1.0"

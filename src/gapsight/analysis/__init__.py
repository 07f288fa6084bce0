"""Pure numeric core: a :class:`ResponseMatrix` in, frozen result objects out.

Nothing here reads a database, a file or a template.
"""

from gapsight.analysis.matrix import ResponseMatrix

__all__ = ["ResponseMatrix"]

"""Import and export of responses and samples: CSV, Excel, SPSS .sav and Parquet.

The public API (the import/export services call exactly these):

- :func:`read_responses` — a file of answers → validated :class:`ResponseTable`;
- :func:`read_sample` — a file of contacts → validated :class:`SampleTable`;
- :func:`read_mapping` — a YAML mapping file → :class:`ImportMapping`;
- :func:`write_responses` — a :class:`ResponseTable` → CSV, Excel, SPSS or Parquet.

Any problem with a file raises :class:`ImportRejected` listing every
:class:`ImportProblem`. See ``docs/import-export.md`` for formats and conventions.

Inside: ``files`` (the entry points), ``mapping`` (the YAML mapping), ``columns``
(what each column is), ``cells`` (cell conversion), ``validation`` (checks against the
instrument), ``codebook`` (don't-know code, labels), ``export`` (output columns), and
one module per format: ``csvfile``, ``excel``, ``spss``, ``parquet``.

Example::

    >>> import tempfile
    >>> from pathlib import Path
    >>> from gapsight.instruments import load_builtin
    >>> cvs = load_builtin("cvs")
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "in.csv").write_text("V1;V2;V3\\n9;8;10\\n7;;6\\n")
    >>> mapping = ImportMapping(
    ...     columns={"V1": "cvs_satisfaction", "V2": "cvs_loyalty", "V3": "cvs_recommend"}
    ... )
    >>> table = read_responses(folder / "in.csv", cvs, mapping=mapping)
    >>> table.matrix.values.tolist()
    [[9.0, 8.0, 10.0], [7.0, nan, 6.0]]
    >>> write_responses(folder / "out.sav", table, cvs, lang="nl")
    >>> read_responses(folder / "out.sav", cvs).n
    2
"""

from gapsight.io.codebook import dont_know_code
from gapsight.io.files import FORMATS, detect_format, read_responses, read_sample, write_responses
from gapsight.io.mapping import Characteristic, ImportMapping, read_mapping
from gapsight.io.table import ImportProblem, ImportRejected, ResponseTable, SampleTable

__all__ = [
    "FORMATS",
    "Characteristic",
    "ImportMapping",
    "ImportProblem",
    "ImportRejected",
    "ResponseTable",
    "SampleTable",
    "detect_format",
    "dont_know_code",
    "read_mapping",
    "read_responses",
    "read_sample",
    "write_responses",
]

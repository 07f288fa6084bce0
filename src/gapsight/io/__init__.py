"""Import and export of responses and samples: CSV, Excel, SPSS .sav and Parquet.

The public API (the import/export services call exactly these):

- :func:`read_responses` — a file of answers → validated :class:`ResponseTable`;
- :func:`read_sample` — a file of contacts → validated :class:`SampleTable`;
- :func:`read_mapping` — a YAML mapping file → :class:`ImportMapping`;
- :func:`write_responses` — a :class:`ResponseTable` → CSV, Excel, SPSS or Parquet.

Any problem with a file raises :class:`ImportRejected` listing every
:class:`ImportProblem`. See ``docs/import-export.md`` for formats and conventions.

Example::

    >>> from gapsight.io import ImportMapping, read_responses, write_responses
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

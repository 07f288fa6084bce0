"""Report figures as SVG text: pure functions from analysis results to figures.

See ``docs/figures.md`` for the list of figures, their input and how to read them.
"""

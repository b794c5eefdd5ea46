"""Report: an HTML page that data staff open in a browser to inspect a batch's tables.

``build_report(out)`` reads OUT's Parquet (model.py), marks up each document's text
(markup.py), draws the charts (charts.py) and renders the Jinja2 templates (build.py).
"""

from pipeline.report.build import build_report

__all__ = ["build_report"]

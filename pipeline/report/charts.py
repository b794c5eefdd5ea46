"""Charts: the batch's counts drawn with Altair and rendered to SVG by vl-convert, offline.

Each chart goes into the page as an ``<img>`` with a ``data:`` URI, never as inline
markup: an SVG shown as an image runs no script and loads nothing, whatever the
scraped labels (subjects, units) inside it say.
"""

from __future__ import annotations

import base64

import altair as alt
import pandas as pd
import vl_convert

from pipeline.report.model import Glance

WIDTH = 360
TOP_UNITS = 15
_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def draw_charts(glance: Glance) -> dict[str, str]:
    """Chart title → ``data:image/svg+xml`` URI, for the charts that have data."""
    charts = {}
    if glance.by_kind_and_unit:
        rows = pd.DataFrame(glance.by_kind_and_unit, columns=["kind", "unit", "rows"])
        top_units = rows.groupby("unit")["rows"].sum().nlargest(TOP_UNITS).index
        rows.loc[~rows["unit"].isin(top_units), "unit"] = "(other units)"
        rows = rows.groupby(["kind", "unit"], as_index=False)["rows"].sum()
        charts["Indicators by kind and unit"] = alt.Chart(rows).mark_bar().encode(
            x=alt.X("sum(rows):Q", title="indicator rows"),
            y=alt.Y("unit:N", title=None, sort="-x"),
            color=alt.Color("kind:N", title="kind"),
            order=alt.Order("kind:N"),
        )
    if glance.top_subjects:
        rows = pd.DataFrame(glance.top_subjects, columns=["subject", "rows"])
        charts["Top subjects"] = alt.Chart(rows).mark_bar().encode(
            x=alt.X("rows:Q", title="indicator rows"),
            y=alt.Y("subject:N", title=None, sort="-x", axis=alt.Axis(labelLimit=160)),
        )
    if glance.dates:
        dates = pd.to_datetime(pd.Series(glance.dates), errors="coerce").dropna()
        by_year = dates.dt.year.value_counts().sort_index()
        rows = pd.DataFrame({"year": by_year.index.astype(str), "documents": by_year.to_numpy()})
        charts["Documents by date"] = alt.Chart(rows).mark_bar().encode(
            x=alt.X("year:O", title="year read from the report", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("documents:Q", title="documents", axis=_whole_numbers(int(by_year.max()))),
        ).properties(height=160)
    return {title: _svg_uri(chart.properties(width=WIDTH)) for title, chart in charts.items()}


def _whole_numbers(highest: int) -> alt.Axis:
    """An axis that never ticks at fractions of a document."""
    return alt.Axis(values=list(range(highest + 1)), format="d") if highest <= 10 else alt.Axis(format="d")


def _svg_uri(chart: alt.Chart) -> str:
    spec = chart.configure(font=_FONT).configure_view(stroke=None).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

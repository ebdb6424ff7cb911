"""Regenerate tests/data/rich/*.ipynb: real outputs of plotly, altair, ipywidgets, tqdm and bokeh.

Each notebook is built with nbformat and executed by nbclient on a real IPython kernel, exactly as
``jupyter nbconvert --execute`` would, so the MIME bundles and the saved widget state are what
those libraries really emit. Needs ``pip install -e '.[fixtures]'``. Figures are kept tiny so the
committed files stay small.

    python scripts/make_rich_fixtures.py [--out tests/data/rich]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS: dict[str, list[str]] = {
    "plotly": [
        "import plotly.graph_objects as go, plotly.io as pio\npio.renderers.default = 'plotly_mimetype'",
        "go.Figure(go.Bar(x=['a', 'b', 'c'], y=[3, 1, 2], name='bars'), layout_title_text='Tiny <b>bar</b> chart')",
        ("go.Figure(go.Scatter(x=[1, 2, 3], y=[2, 0, 1], mode='lines+markers', name='line',\n"
         "                     hovertemplate='x=%{x}<br>y=%{y}<extra></extra>'))"),
    ],
    "altair": [
        "import altair as alt\nfrom IPython.display import display\nalt.renderers.enable('mimetype')",
        ("rows = alt.Data(values=[{'a': 'A', 'b': 3}, {'a': 'B', 'b': 1}, {'a': 'C', 'b': 2}])\n"
         "alt.Chart(rows, title='Tiny bars').mark_bar().encode(x='a:N', y='b:Q', tooltip=['a:N', 'b:Q'])"),
        "alt.Chart(alt.Data(values=[{'x': 1, 'y': 2}, {'x': 2, 'y': 1}])).mark_line().encode(x='x:Q', y='y:Q')",
        ("chart = alt.Chart(alt.Data(values=[{'k': 'p', 'v': 1}])).mark_point().encode(x='k:N', y='v:Q')\n"
         "display({'application/vnd.vega.v5+json': chart.to_dict(format='vega')}, raw=True)"),
    ],
    "widgets": [
        "import ipywidgets as w\nfrom IPython.display import display",
        "w.IntSlider(value=7, min=0, max=10, description='Int')",
        "w.FloatSlider(value=0.25, min=0, max=1, step=0.05, description='Float')",
        "w.IntProgress(value=3, max=10, description='Loading')",
        ("w.HBox([w.Checkbox(value=True, description='Check'), w.Text(value='hello', description='Text'),\n"
         "        w.Dropdown(options=['red', 'green'], value='green', description='Pick')])"),
        ("w.VBox([w.Button(description='Go', button_style='success'), w.Label('a label'),\n"
         "        w.HTML('<b>bold</b> <i>html</i>'), w.Textarea(value='two\\nlines'),\n"
         "        w.Select(options=['x', 'y', 'z'], value='y')])"),
        "tab = w.Tab([w.Label('first page'), w.Label('second page')])\ntab.titles = ('One', 'Two')\ntab",
        "w.Accordion([w.HTMLMath('$x^2$'), w.Label('closed')], titles=('Math', 'More'))",
        "out = w.Output()\nwith out:\n    print('printed inside an Output widget')\n    display({'text/markdown': '**markdown** inside'}, raw=True)\nout",
        ("import io\nfrom PIL import Image\npng = io.BytesIO()\nImage.new('RGB', (4, 4), 'teal').save(png, 'PNG')\n"
         "w.Image(value=png.getvalue(), format='png', width=40)"),
        "from tqdm.notebook import tqdm\nfor _ in tqdm(range(20), desc='work'):\n    pass",
    ],
    "bokeh": [
        "from bokeh.plotting import figure, show\nfrom bokeh.io import output_notebook\noutput_notebook(hide_banner=True)",
        "p = figure(width=200, height=150, title='tiny')\np.line([1, 2, 3], [2, 0, 1])\nshow(p)",
    ],
}


def _keep_outputs_as_emitted() -> None:
    """Altair 6 emits ``application/vnd.vegalite.v6.json`` (no "+"), which nbformat's schema
    rejects, failing nbconvert; JupyterLab saves it as it is, so the fixtures keep it too."""
    from nbformat.v4 import nbbase

    nbbase.validate = lambda node, ref=None: None


def build(cells: list[str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "tests" / "data" / "rich"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _keep_outputs_as_emitted()
    for name, cells in NOTEBOOKS.items():
        print(f"executing {name} ({len(cells)} cells)", file=sys.stderr)
        nb = build(cells)
        NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True).execute()
        nb.metadata.pop("language_info", None)  # the kernel's exact Python version is noise in diffs
        path = out / f"{name}.ipynb"
        path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size:,} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

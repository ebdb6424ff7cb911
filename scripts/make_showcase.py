"""Regenerate examples/showcase.json from real library output (matplotlib, pandas, sympy), and
examples/notebook/showcase.ipynb by executing it in a real kernel (as nbconvert --execute does).

Needs the dev extras (pandas, sympy, IPython, and nbclient, ipykernel and tqdm for the notebook);
the committed files let users render without them:
    python scripts/make_showcase.py
"""

from __future__ import annotations

import base64
import io
import json
import math
import sys
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def figure():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3), dpi=80)
    xs = [i / 10 for i in range(63)]
    ax.plot(xs, [math.sin(x) for x in xs], label="sin")
    ax.plot(xs, [math.cos(x) for x in xs], label="cos")
    ax.set_title("plotting simple line graph")
    ax.legend()
    return fig, plt


def tone_wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes(int(128 + 100 * math.sin(2 * math.pi * 440 * t / 8000) * (1 - t / 4000)) for t in range(4000)))
    return out.getvalue()


def main() -> None:
    import pandas as pd
    import sympy
    from IPython.display import IFrame

    from bai_media.producers import Canvas, Turtle

    fig, plt = figure()
    svg = io.StringIO()
    fig.savefig(svg, format="svg")
    png = io.BytesIO()
    fig.savefig(png, format="png")
    plt.close(fig)
    df = pd.DataFrame({"city": ["Seoul", "Busan", "Incheon"], "population": [9_586_195, 3_349_016, 2_957_026], "area_km2": [605.2, 770.0, 1_063.3]})
    x = sympy.symbols("x")
    progress = "".join(f"\r{p:3d}%|{'█' * (p // 10)}{' ' * (10 - p // 10)}| {p}/100 [00:0{p // 25}<00:00]" for p in range(0, 101, 5)) + "\n"
    traceback = [
        "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
        "\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)",
        "Cell \x1b[0;32mIn[3], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m \x1b[38;5;241m1\x1b[39m\x1b[38;5;241m/\x1b[39m\x1b[38;5;241m0\x1b[39m",
        "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
    ]
    canvas = Canvas(200, 120, bgcolor="#f8f8ffff", fgcolor="#000000ff")
    canvas.rectangle(100, 60, 120, 60, border="#3366ccff", fill="#3366cc40")
    canvas.circle(60, 60, 25, border="#cc3333ff", fill="#cc333380")
    canvas.line(10, 110, 190, 10, color="#339933ff")
    turtle_canvas = Canvas(160, 160, bgcolor="#ffffffff")
    turtle = Turtle(turtle_canvas)
    for _ in range(4):
        turtle.forward(60)
        turtle.left(90)
    items = [
        ["text/markdown", "# bai-media showcase\n\nEvery kind of output a kernel emits, rendered **on the server**. "
         "Inline math $e^{i\\pi} + 1 = 0$ and display math:\n\n$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$\n\n"
         "| type | handler |\n|---|---|\n| stdout | ANSI terminal |\n| image/png | Pillow-checked |\n\n"
         "```python\nfor i in range(3):\n    print(f\"{i} * 2 = {i * 2}\")\n```\n"],
        ["text/markdown", "## Notebook markdown as JupyterLab shows it\n\n- [x] ~~strikethrough~~ and task lists\n- [ ] heading ids: "
         "[back to the top](#bai-media-showcase)\n\n$$\\begin{aligned} f(x) &= (x + 1)^2 \\\\ &= x^2 + 2x + 1 \\end{aligned}$$\n\n"
         "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} \\quad |x| = \\begin{cases} x & x \\ge 0 \\\\ -x & x < 0 \\end{cases}$$\n\n"
         "A `$` in a link stays in its URL: [docs](https://example.org/$a$).\n"],
        ["stdout", "plotting simple line graph\n\x1b[1;32m✔\x1b[0m loaded \x1b[36m3\x1b[0m cities from https://example.org/data.csv\n"],
        ["stdout", progress],
        ["image/svg+xml", svg.getvalue()],
        ["image/png", "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()],
        ["text/html", df.to_html()],
        ["text/html", df.style.background_gradient(subset=["population"], cmap="Blues")
         .bar(subset=["area_km2"], color="#d65f5f80").highlight_max(subset=["area_km2"], color="#ffe08a")
         .format({"population": "{:,}", "area_km2": "{:.1f}"}).set_caption("pandas Styler: colours kept").to_html()],
        ["text/html", '<div class="alert alert-info"><b>Note:</b> Bootstrap-like alert boxes keep their styling.</div>'
                      '<div class="alert alert-warning">A warning box.</div>'],
        ["text/html", "".join(df.head(2).style.set_table_attributes('style="float: left; margin-right: 2em"').to_html()
                              for _ in range(2))],
        ["text/html", IFrame("https://www.openstreetmap.org/export/embed.html", width=400, height=300)._repr_html_()],
        ["text/latex", f"$\\displaystyle {sympy.latex(sympy.integrate(1 / (1 + x**2), x))} = \\int \\frac{{1}}{{1 + x^{{2}}}}\\, dx$"],
        ["text/latex", f"${sympy.latex(sympy.Matrix([[1, x], [x**2, sympy.sqrt(x)]]))}$"],
        ["application/json", {"run": {"id": "5facbf2f2697c1b7", "status": "finished", "exitCode": 0},
                              "metrics": {"loss": [0.9, 0.41, 0.2, 0.11], "accuracy": 0.973},
                              "tags": ["demo", "<not html>"], "nested": {"a": {"b": {"c": {"d": [1, 2, 3]}}}}}],
        ["application/vnd.jupyter.error", {"ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": traceback}],
        ["stderr", "\x1b[33mWARNING\x1b[0m: this is stderr, shown distinctly\n"],
        ["audio/wav", "data:audio/wav;base64," + base64.b64encode(tone_wav()).decode()],
        *[list(item) for item in canvas.update()],
        *[list(item) for item in turtle_canvas.update()],
        ["application/vnd.sorna.gitgraph", [
            {"oid": "a1b2c3d", "parent_ids": [], "author": "kim", "message": "initial commit", "branch": "main", "parent_branches": []},
            {"oid": "b2c3d4e", "parent_ids": ["a1b2c3d"], "author": "lee", "message": "add feature", "branch": "feature", "parent_branches": ["main"]},
            {"oid": "c3d4e5f", "parent_ids": ["a1b2c3d"], "author": "kim", "message": "fix typo", "branch": "main", "parent_branches": []},
            {"oid": "d4e5f6a", "parent_ids": ["c3d4e5f", "b2c3d4e"], "author": "kim", "message": "merge feature", "branch": "main", "parent_branches": ["main", "feature"]},
        ]],
        ["application/javascript", "console.log('never run')"],
        ["application/x-unknown-type", "shown as a notice, never dropped"],
    ]
    out = ROOT / "examples" / "showcase.json"
    out.write_text(json.dumps(items, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {len(items)} items)")
    notebook(png.getvalue())


NOTEBOOK_CELLS = [
    ("markdown", "# A notebook as JupyterLab shows it\n\nA figure saved next to the notebook, embedded from its "
                 "own folder:\n\n![a sine wave](figures/sine.png)\n\n"
                 '<div class="alert alert-success">Alert boxes in markdown keep their colours too.</div>'),
    ("code", "import sys, time\nfrom tqdm import tqdm\nfor i in tqdm(range(20), file=sys.stderr, mininterval=0, ncols=60):\n"
             "    time.sleep(0.03)\n    sys.stderr.flush()\nprint('done')"),
    ("code", "import pandas as pd\ndf = pd.DataFrame({'x': [1, 2, 3, 4], 'y': [0.25, -1.5, 3.75, 0.5]})\n"
             "df.style.background_gradient(cmap='RdYlGn').highlight_min(color='#f8c0c0')"),
    ("code", "from IPython.display import HTML, IFrame, display\n"
             "display(HTML('<img src=\"figures/sine.png\" width=\"240\" alt=\"the same figure from an HTML output\">'))\n"
             "IFrame('https://example.org/', width=300, height=150)"),
]


def notebook(figure_png: bytes) -> None:
    """examples/notebook/: a notebook executed by nbclient, and the figure its cells refer to."""
    import nbformat
    from nbclient import NotebookClient

    folder = ROOT / "examples" / "notebook"
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    (folder / "figures" / "sine.png").write_bytes(figure_png)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
                for kind, src in NOTEBOOK_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    frames = sum(1 for o in nb.cells[1].outputs if o.get("name") == "stderr")
    nbformat.write(nb, folder / "showcase.ipynb")
    print(f"wrote {folder / 'showcase.ipynb'} (the tqdm loop saved as {frames} stream outputs)")


if __name__ == "__main__":
    main()

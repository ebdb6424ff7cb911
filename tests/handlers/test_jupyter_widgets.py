"""ipywidgets drawn from the state saved by a real notebook (tests/data/rich/widgets.ipynb)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from bai_media import Renderer
from bai_media.formats import render
from bai_media.handlers.jupyter_widgets import WIDGET_STATE, WIDGET_VIEW
from bai_media.limits import Limits

from ..attacks import WIDGET_STATE as HOSTILE_STATE
from ..html_checks import active_content

RICH = Path(__file__).resolve().parents[1] / "data" / "rich"


@pytest.fixture(scope="module")
def notebook() -> dict[str, Any]:
    return json.loads((RICH / "widgets.ipynb").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cells(notebook: dict[str, Any]) -> list[str]:
    """The rendered notebook, split into the HTML of each cell's output."""
    html = str(render(notebook, "auto", "w"))
    return [html.split(f'id="w-c{i}-out-0"', 1)[1].split('<section class="bai-nb-cell', 1)[0] for i in range(1, len(notebook["cells"]))]


def view(model_id: str, state: Any, **extra: Any) -> tuple[str, dict[str, str], dict[str, Any]]:
    return (WIDGET_VIEW, {"model_id": model_id}, {WIDGET_STATE: state, **extra})


def saved(**models: Any) -> dict[str, Any]:
    return {"version_major": 2, "version_minor": 0, "state": {
        key: {"model_name": name, "state": state} for key, (name, state) in models.items()}}


def test_sliders_show_value_range_and_readout(cells: list[str]) -> None:
    assert '<input type="range" disabled min="0" max="10" step="1" value="7"><output class="bai-widget-readout">7</output>' in cells[0]
    assert 'min="0" max="1" step="0.05" value="0.25"><output class="bai-widget-readout">0.25</output>' in cells[1]
    assert ">Int</span>" in cells[0] and ">Float</span>" in cells[1]


def test_progress_and_tqdm_show_their_saved_state(cells: list[str]) -> None:
    assert '<progress max="10" value="3">30%</progress>' in cells[2]
    tqdm = cells[9]  # tqdm.notebook: an HBox of HTML description, FloatProgress and HTML stats
    assert '<progress max="20" value="20">100%</progress>' in tqdm and "bai-widget-success" in tqdm
    text = re.sub(r"\s+", " ", tqdm.replace("\u2007", " "))  # tqdm pads with figure spaces
    assert "work: 100%" in text and " 20/20 [" in text and " 0/20 " not in text


def test_controls_keep_their_values(cells: list[str]) -> None:
    row = cells[3]
    assert 'class="bai-widget bai-widget-box bai-widget-row"' in row
    assert '<input type="checkbox" disabled checked>' in row and 'value="hello"' in row
    assert "<option>red</option><option selected>green</option>" in row
    column = cells[4]
    assert "bai-widget-column" in column and "bai-widget-success\" disabled>Go</button>" in column
    assert ">a label</span>" in column and "<b>bold</b> <i>html</i>" in column
    assert re.search(r"<textarea disabled[^>]*>two\nlines</textarea>", column)
    assert re.search(r'<select disabled size="\d+"><option>x</option><option selected>y</option>', column)


def test_tabs_and_accordion_show_titles_and_selection(cells: list[str]) -> None:
    assert '<details class="bai-widget-panel" open><summary>One</summary><span class="bai-widget bai-widget-label">first page</span>' in cells[5]
    assert "<summary>Two</summary>" in cells[5]
    accordion = cells[6]
    assert "<summary>Math</summary>" in accordion and "<summary>More</summary>" in accordion and " open>" not in accordion


def test_output_widget_outputs_go_through_the_pipeline(cells: list[str]) -> None:
    out = cells[7]
    assert 'data-type="stdout"' in out and "printed inside an Output widget" in out
    assert 'data-type="text/markdown"' in out and "<strong>markdown</strong> inside" in out


def test_image_widget_is_checked_like_any_image(cells: list[str]) -> None:
    assert re.search(r'<img class="bai-media-image" src="data:image/png;base64,[A-Za-z0-9+/=]+" width="40" height="40"', cells[8])


def test_every_widget_of_the_notebook_is_drawn(cells: list[str]) -> None:
    for html in cells:
        assert "bai-media-error" not in html and "Not shown" not in html and "is not drawn" not in html


def test_without_saved_state_the_text_repr_shows_with_a_notice(notebook: dict[str, Any]) -> None:
    bare = {**notebook, "metadata": {}}
    html = str(render(bare, "auto", "w"))
    assert html.count("the notebook saved no widget state for it") == 10
    assert "IntSlider(value=7" in html and "work:   0%" in html


def test_state_can_be_given_by_callers_of_the_adapters(notebook: dict[str, Any]) -> None:
    state = notebook["metadata"]["widgets"][WIDGET_STATE]
    outputs = notebook["cells"][1]["outputs"]
    assert 'value="7"' in str(render(outputs, "jupyter", "o", widget_state=state))
    assert "saved no widget state" in str(render(outputs, "jupyter", "o"))
    assert 'value="7"' in str(render({**notebook, "metadata": {}}, "notebook", "n", widget_state=state))


def test_unknown_model_falls_back_to_the_text_repr() -> None:
    item = view("m", saved(m=("FancyPlotModel", {})))
    html = str(Renderer().handle_all([(item[0], item[1], item[2])], "r"))
    assert "FancyPlotModel widget" in html and "it has no static view" in html
    html = str(render([{"output_type": "display_data", "data": {WIDGET_VIEW: {"model_id": "m"}, "text/plain": "Fancy()"}}],
                      "jupyter", "o", widget_state=saved(m=("FancyPlotModel", {}))))
    assert "Shown instead: its text" in html and "Fancy()" in html


def test_wrong_schema_version_is_no_state() -> None:
    state = {**saved(m=("LabelModel", {"value": "hi"})), "version_major": 1}
    assert "saved no widget state" in str(Renderer().handle_all([view("m", state)], "r"))


def test_cycles_depth_and_count_are_bounded() -> None:
    cycle = saved(a=("VBoxModel", {"children": ["IPY_MODEL_b"]}), b=("HBoxModel", {"children": ["IPY_MODEL_a", "IPY_MODEL_gone", 3]}))
    html = str(Renderer().handle_all([view("a", cycle)], "r"))
    assert "contains itself" in html and "state was not saved" in html and "not a model id" in html
    deep = saved(**{f"m{i}": ("VBoxModel", {"children": [f"IPY_MODEL_m{i + 1}"]}) for i in range(100)})
    html = str(Renderer(limits=Limits(widget_depth=10)).handle_all([view("m0", deep)], "r"))
    assert "nested more than 10 deep" in html and html.count("bai-widget-box") == 10
    # A diamond: every box lists the next box twice, 2**30 paths; the view budget cuts it.
    wide = saved(**{f"m{i}": ("VBoxModel", {"children": [f"IPY_MODEL_m{i + 1}"] * 2}) for i in range(30)})
    html = str(Renderer(limits=Limits(item_parts=50)).handle_all([view("m0", wide)], "r"))
    assert html.count("bai-widget-box") == 50 and "one output draws at most 50" in html


def test_output_widgets_showing_themselves_are_bounded() -> None:
    """An Output widget whose outputs show itself: nesting and the shared view budget stop it."""
    outputs = [[WIDGET_VIEW, {"model_id": "o"}, None]] * 20
    state = saved(o=("OutputModel", {"outputs": outputs}))
    for raw in outputs:
        raw[2] = {WIDGET_STATE: state}
    html = str(Renderer(limits=Limits(item_parts=100)).handle_all([view("o", state)], "r"))
    assert html.count("bai-widget-output") <= 100 and ("one output draws at most 100" in html or "nested more than" in html)


def test_password_is_never_shown() -> None:
    html = str(Renderer().handle_all([view("p", saved(p=("PasswordModel", {"value": "hunter2"})))], "r"))
    assert "hunter2" not in html and "•••••••" in html


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_hostile_state_stays_inert(engine: str) -> None:
    html = str(Renderer(sanitizer=engine).handle_all([view("IPY_MODEL_box", HOSTILE_STATE)], "r"))  # type: ignore[arg-type]
    assert active_content(html) == []
    finder = _Attributes()
    finder.feed(html)
    assert [a for a in finder.attributes if a.startswith("on")] == []
    assert "javascript:" not in html  # the link's scheme is gone, the Image widget's URL is not shown
    assert "&lt;script&gt;__pwned(406)&lt;/script&gt;" in html  # a Label's text is shown, escaped


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [name for name, _ in attrs]


def test_each_widget_view_has_its_own_overridable_template(tmp_path: Path) -> None:
    (tmp_path / "handlers" / "widgets").mkdir(parents=True)
    (tmp_path / "handlers" / "widgets" / "slider.html").write_text("<i>slider at {{ value }}</i>")
    state = saved(s=("IntSliderModel", {"value": 4, "max": 9}), p=("IntProgressModel", {"value": 1, "max": 2}))
    html = str(Renderer(template_dirs=[tmp_path]).handle_all([view("s", state), view("p", state)], "r"))
    assert "<i>slider at 4</i>" in html and '<progress max="2" value="1">50%</progress>' in html

"""Unknown types and scripts: visible notices, never dropped, never run."""

from __future__ import annotations

from bai_media import handle_all


def test_unknown_type_notice_names_type_and_size() -> None:
    html = handle_all([("application/x-thing", b"12345"), ("x/y", [1, 2]), ("x/z", 3)], "u")
    assert "(5 bytes)" in html and "(2 elements)" in html and "(a int)" in html


def test_javascript_is_a_quiet_notice() -> None:
    html = handle_all([("application/javascript", "alert(1)")], "u")
    assert "is not run on this page" in html and "alert(1)" not in html


def test_bokeh_outputs_are_notices_not_error_boxes() -> None:
    """Real bokeh output (tests/data/rich/bokeh.ipynb): the loader and the plot, neither run."""
    import json
    from pathlib import Path

    from bai_media.formats import render

    nb = json.loads((Path(__file__).resolve().parents[1] / "data" / "rich" / "bokeh.ipynb").read_text(encoding="utf-8"))
    html = str(render(nb, "auto", "b"))
    assert "bai-media-error" not in html and "not valid JSON" not in html
    assert "BokehJS loader (<code>application/vnd.bokehjs_load.v0+json</code>) is not drawn: its script is not run" in html
    assert "Bokeh plot (<code>application/vnd.bokehjs_exec.v0+json</code>) is not drawn" in html
    assert "Bokeh.embed" not in html and "<script" not in html


def test_client_drawn_types_show_the_bundle_image_or_their_text() -> None:
    from bai_media.formats import render

    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    outputs = [
        {"output_type": "display_data", "data": {"application/vnd.holoviews_exec.v0+json": "", "image/png": png, "text/html": "<div id=x></div>"}},
        {"output_type": "display_data", "data": {"text/vnd.mermaid": "graph TD; A-->B"}},
        {"output_type": "display_data", "data": {"application/geo+json": {"type": "Point", "coordinates": [1, 2]}}},
    ]
    html = str(render(outputs, "jupyter", "o"))
    assert "HoloViews plot" in html and "Shown instead: its image" in html and 'src="data:image/png;base64,' in html
    assert "Mermaid diagram (<code>text/vnd.mermaid</code>)" in html and "graph TD; A--&gt;B" in html
    assert "GeoJSON map" in html and "coordinates" in html and "bai-media-json" in html
    assert "bai-media-error" not in html

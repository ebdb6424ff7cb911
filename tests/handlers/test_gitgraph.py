"""Git graphs: lanes, merges, escaped labels."""

from __future__ import annotations

import base64
import json
import re

from bai_media import handle_all

COMMITS = [
    {"oid": "a1b2c3d", "parent_ids": [], "author": "kim", "message": "init", "branch": "main", "parent_branches": []},
    {"oid": "b2c3d4e", "parent_ids": ["a1b2c3d"], "author": "lee", "message": "<feature> & more", "branch": "dev", "parent_branches": ["main"]},
    {"oid": "c3d4e5f", "parent_ids": ["a1b2c3d", "b2c3d4e"], "author": "kim", "message": "merge\nbody", "branch": "main", "parent_branches": ["main", "dev"]},
]


def svg(html: str) -> str:
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', str(html))
    assert src
    return base64.b64decode(src.group(1)).decode()


def test_lanes_edges_and_labels() -> None:
    out = svg(handle_all([("application/vnd.sorna.gitgraph", COMMITS)], "g"))
    assert out.count("<circle") == 3
    assert 'cx="70"' in out  # second lane, 50 px right of the first
    assert out.count("<line") + out.count("<path") == 3  # two parents for the merge
    assert "&lt;feature&gt; &amp; more" in out and "body" not in out


def test_json_string_data_and_bad_shapes() -> None:
    html = handle_all([("application/vnd.sorna.gitgraph", json.dumps(COMMITS)), ("application/vnd.sorna.gitgraph", {"a": 1}),
                       ("application/vnd.sorna.gitgraph", [1, 2])], "g")
    assert html.count("<img") == 1 and html.count("bai-media-error") == 2


def test_characters_xml_forbids_are_replaced_so_the_svg_stays_well_formed() -> None:
    from xml.etree import ElementTree

    message = "fix \x01\x02\x1f\ufffe\uffff\ud800 done"  # \x0b would end the first line
    html = str(handle_all([("application/vnd.sorna.gitgraph", [{"oid": "a\x00b", "message": message, "branch": "m\x0c", "author": "\x08"}])], "g"))
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)).decode()
    root = ElementTree.fromstring(svg)
    assert "fix \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd done" in "".join(root.itertext())

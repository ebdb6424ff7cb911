"""The sanitizer policy, held identically for both engines."""

from __future__ import annotations

import html
import re

import pytest

from bai_media.sanitize import (
    BLEACH_MAX_CHARS,
    ID_PREFIX,
    MAX_FORMATTING,
    MAX_NESTING,
    WEB_SCHEMES,
    Engine,
    bound_nesting,
    check_remote_media,
    check_url,
    clean_style,
    sanitize_html,
)

from .attacks import HTML_ATTACKS
from .html_checks import active_content

ENGINES = ["nh3", "bleach"]

PANDAS_TABLE = """<div><style scoped>.dataframe tbody tr th:only-of-type { vertical-align: middle; }</style>
<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>a</th></tr></thead>
<tbody><tr><th>0</th><td>1.5</td></tr></tbody></table></div>"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("payload", HTML_ATTACKS)
def test_attacks_leave_nothing_active(engine: str, payload: str) -> None:
    assert active_content(str(sanitize_html(payload, engine))) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_pandas_table_keeps_its_structure(engine: str) -> None:
    out = str(sanitize_html(PANDAS_TABLE, engine))
    assert 'class="dataframe"' in out
    assert 'border="1"' in out
    assert '<tr style="text-align: right;">' in out
    assert "<thead>" in out and "<tbody>" in out and "<td>1.5</td>" in out
    assert "<style" not in out


@pytest.mark.parametrize("engine", ENGINES)
def test_links_get_rel_and_ids_are_prefixed(engine: str) -> None:
    out = str(sanitize_html('<a href="https://example.org/" id="top" name="x">a</a><a href="#top">b</a>', engine))
    assert 'rel="noopener noreferrer nofollow"' in out
    assert f'id="{ID_PREFIX}top"' in out and f'name="{ID_PREFIX}x"' in out
    assert f'href="#{ID_PREFIX}top"' in out


@pytest.mark.parametrize("engine", ENGINES)
def test_images_allow_http_and_raster_data_only(engine: str) -> None:
    ok = sanitize_html('<img src="https://example.org/a.png"><img src="data:image/png;base64,iVBORw0KGgo=">', engine)
    assert ok.count("<img src=") == 2
    bad = sanitize_html('<img src="data:image/svg+xml;base64,PHN2Zz4="><img src="/logout"><img src="x.png">'
                        '<img src="http:logout"><video src="h&#8203;ttp://x/v.mp4"></video>', engine)
    assert "src=" not in bad  # "http:logout" and a hidden character in the scheme are relative URLs too


@pytest.mark.parametrize(
    "url,data_image,expected",
    [
        ("https://a.b/c", False, "https://a.b/c"),
        ("mailto:x@y.z", False, "mailto:x@y.z"),
        ("relative/path", False, "relative/path"),
        ("javascript:alert(1)", False, None),
        ("JAVASCRIPT:alert(1)", False, None),
        ("\tjava\nscript:alert(1)", False, None),
        ("java\u200bscript:alert(1)", False, None),
        ("java\u00adscript:alert(1)", False, None),
        ("\x00javascript:alert(1)", False, None),
        ("data:image/png;base64,AAAA", False, None),
        ("data:image/png;base64,AAAA", True, "data:image/png;base64,AAAA"),
        ("data:image/svg+xml;base64,AAAA", True, None),
        ("data:text/html;base64,AAAA", True, None),
        ("weird:thing", False, None),
    ],
)
def test_check_url(url: str, data_image: bool, expected: str | None) -> None:
    assert check_url(url, data_image=data_image) == expected


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://a.b/c", "https://a.b/c"),
        ("  HTTP://a.b/c ", "HTTP://a.b/c"),
        ("mailto:x@y.z", None),  # not in the schemes asked for
        ("relative/path", None),
        ("//evil.example/x", None),  # scheme-relative: the page's scheme, another host, still not asked for
        ("http:relative", None),  # resolved against an http page
        ("http:\\\\evil.example", None),
        ("ht\ttp://a.b", None),
        ("h\u200bttp://a.b", None),  # a browser does not drop U+200B: no scheme, a relative URL
        ("javascript:alert(1)", None),
    ],
)
def test_check_url_for_absolute_web_links(url: str, expected: str | None) -> None:
    """Terminal links and output files leave the page: absolute http(s) only, as a browser reads them."""
    assert check_url(url, schemes=WEB_SCHEMES, relative=False) == expected


def test_check_url_without_relative_urls_keeps_inline_images() -> None:
    assert check_url("data:image/png;base64,AAAA", relative=False, data_image=True) == "data:image/png;base64,AAAA"
    assert check_url("d\u200bata:image/png;base64,AAAA", relative=False, data_image=True) is None
    assert check_url("img.png", relative=False, data_image=True) is None
    assert check_url("mailto:x@y.z", relative=False) == "mailto:x@y.z"


@pytest.mark.parametrize(
    "style,expected",
    [
        ("text-align: right;", "text-align: right;"),
        ("color: rgb(1, 2, 3); font-weight: bold", "color: rgb(1, 2, 3); font-weight: bold;"),
        ("position: fixed; top: 0", ""),
        ("background: url(javascript:alert(1))", ""),
        ("width: expression(alert(1))", ""),
        ("color: r\\65 d", ""),
        ("display: contents", ""),
        ("color: red /* */", ""),
        ("float: left; clear: both", "float: left; clear: both;"),
        ("float: inline-start", ""),
        ("width: 10em; background: linear-gradient(90deg, rgba(214, 95, 95, 0.5) 50%, transparent 50%)",
         "width: 10em; background: linear-gradient(90deg, rgba(214, 95, 95, 0.5) 50%, transparent 50%);"),
        ("background: linear-gradient(red, url(x))", ""),
        ("background-image: image-set(x 1x)", ""),
        ("background: (red)", ""),
        ("background: var(--x)", ""),
        ("background: URL (x)", ""),
    ],
)
def test_clean_style(style: str, expected: str) -> None:
    assert clean_style(style) == expected


def test_unknown_engine_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown sanitizer engine"):
        sanitize_html("x", "lxml")  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
def test_deep_nesting_is_flattened_with_a_notice(engine: Engine) -> None:
    out = str(sanitize_html("<div>" * 5000 + "deep" + "</div>" * 5000, engine))
    assert "deep" in out and out.count("<div>") <= MAX_NESTING
    assert "nested deeper than 256 levels" in out


@pytest.mark.parametrize("engine", ENGINES)
def test_unmatched_end_tags_do_not_hide_nesting(engine: Engine) -> None:
    # An end tag that closes nothing is ignored by the parser, so it must not count as closing.
    out = str(sanitize_html("<div></x>" * 2000, engine))
    assert out.count("<div>") <= MAX_NESTING and "flattened" in out


def test_open_formatting_tags_are_capped() -> None:
    source = "".join(f"<b title={i}>" for i in range(100)) + "<p>x</p>" * 10
    bounded, flattened = bound_nesting(source)
    assert flattened and bounded.count("<b ") == MAX_FORMATTING


def test_ordinary_html_is_left_alone() -> None:
    table = "<table><tbody>" + "<tr><th>1</th><td>2</td></tr>" * 500 + "</tbody></table>"
    lists = "<ul>" + "<li>item" * 1000 + "</ul>" + "<p>para" * 1000
    for source in (table, lists, "<b>" * MAX_FORMATTING + "x"):
        assert bound_nesting(source) == (source, False)


def test_bleach_sanitizes_a_bounded_prefix_with_a_notice() -> None:
    out = str(sanitize_html("<p>" + "a" * (BLEACH_MAX_CHARS + 10), "bleach"))
    assert "characters of HTML not shown" in out and out.count("a") >= BLEACH_MAX_CHARS - 10


REMOTE = ("<img src='https://attacker.example/pixel.png' alt='chart'><img src='data:image/png;base64,iVBORw0KGgo='>"
          "<video controls src='https://attacker.example/v.mp4'><source src='https://attacker.example/s.webm'>no video</video>"
          "<audio src='https://attacker.example/a.ogg'></audio>"
          "<a title=\"<img src='https://attacker.example/in-title.png'>\" href='https://ok.example/'>t</a>")


@pytest.mark.parametrize("engine", ENGINES)
def test_remote_media_is_kept_by_default_as_jupyter_does(engine: Engine) -> None:
    assert 'src="https://attacker.example/pixel.png"' in sanitize_html(REMOTE, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_blocked_remote_media_become_links(engine: Engine) -> None:
    out = str(sanitize_html(REMOTE, engine, "block"))
    assert 'src="https://attacker' not in out and "<video" not in out and "<audio" not in out
    assert '<a href="https://attacker.example/pixel.png" rel="noopener noreferrer nofollow" class="bai-media-remote-link"' in out
    assert "[chart: https://attacker.example/pixel.png]" in out and "no video" in out
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in out  # inline data is not remote
    assert "in-title.png" in out and out.count("bai-media-remote-link") == 4  # text in a title stays text


@pytest.mark.parametrize("engine", ENGINES)
def test_remote_media_go_through_the_proxy_template(engine: Engine) -> None:
    out = str(sanitize_html(REMOTE, engine, "https://camo.example/p?u={url}"))
    assert 'src="https://camo.example/p?u=https%3A%2F%2Fattacker.example%2Fpixel.png"' in out
    assert 'src="https://attacker' not in out and out.count("https://camo.example/p?u=") == 4


@pytest.mark.parametrize("policy", ["proxy", "javascript:{url}", "https://x.example/{url}{url}", "https://x\".example/{url}"])
def test_a_bad_remote_media_policy_is_refused(policy: str) -> None:
    with pytest.raises(ValueError):
        check_remote_media(policy)


@pytest.mark.parametrize("engine", ENGINES)
def test_character_references_are_shown_once_not_escaped_twice(engine: str) -> None:
    """A table cell's &nbsp; or a literal '&amp;' must reach the page as the character, not as
    the text '&amp;nbsp;' (a bleach tree-walker swap once did that to every entity)."""
    out = str(sanitize_html("<p>&nbsp;a &amp; b &lt;c&gt; &#160;</p>", engine))  # type: ignore[arg-type]
    assert "&amp;amp;" not in out and "&amp;nbsp;" not in out and "&amp;lt;" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == "\xa0a & b <c> \xa0"

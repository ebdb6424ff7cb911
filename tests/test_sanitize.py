"""The sanitizer policy, held identically for both engines."""

from __future__ import annotations

import pytest

from bai_media.sanitize import ID_PREFIX, WEB_SCHEMES, check_url, clean_style, sanitize_html

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

"""Streams and text: escape first, then colour; terminal overwrite; chunk-split invariance."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bai_media import MediaResult, handle_all
from bai_media.ansi import Terminal, ansi_to_html


def test_escapes_before_colouring() -> None:
    out = ansi_to_html("\x1b[31m<b>&</b>\x1b[0m")
    assert out == '<span class="bai-ansi-fg-1">&lt;b&gt;&amp;&lt;/b&gt;</span>'


def test_sgr_16_256_truecolor_and_attributes() -> None:
    out = ansi_to_html("\x1b[1;3;4;92;44mA\x1b[38;5;196mB\x1b[48;2;1;2;3mC\x1b[22;23;24;39;49mD\x1b[2;9mE\x1b[0mF")
    # Palette classes stay (themes restyle them); a pair that is hard to read gets a readable colour.
    assert '<span class="bai-ansi-fg-10 bai-ansi-bg-4 bai-ansi-bold bai-ansi-italic bai-ansi-underline" style="color: light-dark(' in out
    assert 'style="color: #ff0000; background-color: #010203"' in out  # already readable: kept
    assert '<span class="bai-ansi-dim bai-ansi-strike" style="color: light-dark(' in out and out.endswith(">E</span>F")
    assert ">D<" in out and "<span>D" not in out


def test_inverse_swaps_colours() -> None:
    assert ansi_to_html("\x1b[31;42;7mx").startswith('<span class="bai-ansi-fg-2 bai-ansi-bg-1" style="color: ')
    assert "bai-ansi-fg-inverse bai-ansi-bg-inverse" in ansi_to_html("\x1b[7mx")


def test_carriage_return_collapses_progress_bars() -> None:
    bar = "".join(f"\r{p:3d}%|{'#' * (p // 10):10}|" for p in range(0, 101, 10)) + "\ndone\n"
    assert ansi_to_html(bar) == "100%|##########|\ndone\n"


def test_overwrite_keeps_the_rest_of_a_longer_line_and_backspace_moves_left() -> None:
    assert ansi_to_html("abcdef\rXY") == "XYcdef"
    assert ansi_to_html("abc\b\bZ") == "aZc"
    assert ansi_to_html("abcdef\r\x1b[Knew") == "new"
    assert ansi_to_html("abcdef\x1b[3G\x1b[0KX") == "abX"


def test_control_and_unknown_sequences_are_stripped() -> None:
    assert ansi_to_html("a\x1b[2J\x1b[?25lb\x07c\x00d\x1b]0;title\x07e\x1b(Bf") == "abcdef"


def test_osc8_links_keep_only_http() -> None:
    good = ansi_to_html("\x1b]8;;https://example.org/x?a=1&b=2\x1b\\link\x1b]8;;\x1b\\ after")
    assert good == '<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer nofollow">link</a> after'
    for url in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "JaVaScRiPt:x"):
        assert "href" not in ansi_to_html(f"\x1b]8;;{url}\x1b\\link\x1b]8;;\x1b\\")


def test_plain_urls_become_safe_links() -> None:
    out = ansi_to_html("see https://example.org/a_(b) and http://x.y/\"onmouseover=alert(1) now.")
    assert '<a href="https://example.org/a_(b)" rel="noopener noreferrer nofollow">' in out
    assert 'href="http://x.y/"' in out and "onmouseover=alert(1)" in out and 'onmouseover="' not in out


def test_an_escape_sequence_split_across_chunks_is_joined() -> None:
    term = Terminal()
    for chunk in ("plain \x1b[3", "1mred\x1b", "[0m plain\n"):
        term.feed(chunk)
    assert term.html() == 'plain <span class="bai-ansi-fg-1">red</span> plain\n'


TOKENS = list("ab <&\r\n\b\t") + ["\x1b[31m", "\x1b[0m", "\x1b[K", "\x1b]8;;https://e.org\x07", "\x1b]8;;\x07", "é", "\x1b", "["]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
       st.lists(st.integers(min_value=0, max_value=60), max_size=6))
@example("\x1b a", [2])  # an escape with intermediate bytes cut before its final byte
@example("\x1b !!a b", [1, 3])
def test_any_chunking_renders_the_same_as_one_feed(text: str, cuts: list[int]) -> None:
    whole = Terminal()
    whole.feed(text)
    split = Terminal()
    points = sorted({min(c, len(text)) for c in cuts})
    for start, end in zip([0, *points], [*points, len(text)]):
        split.feed(text[start:end])
    assert split.html() == whole.html()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS + ["\x1b[1;32m", "\x1b[38;5;200m", "\x1b[0m\x1b[7m", "http://x.y/a ", "\n\n", "x" * 30]), max_size=50).map("".join))
def test_fast_path_renders_exactly_like_the_terminal_path(text: str) -> None:
    fast = Terminal(budget=200)
    fast.feed(text)
    exact = Terminal(budget=200)
    exact.fast = False
    exact.feed(text)
    assert fast.html() == exact.html()
    assert fast.style == exact.style
    # The kept lines too, as a save holds them (padding credit is only counted on the exact path).
    assert {**fast.to_json(), "pad_credit": 0} == {**exact.to_json(), "pad_credit": 0}


def test_stderr_is_visually_distinct_and_stdout_continues_across_calls() -> None:
    result = MediaResult("r")
    result.extend([("stdout", "\x1b[32mgreen "), ("stderr", "oops\n")])
    result.extend([("stdout", "still green\n")])
    html = str(result)
    assert "bai-media-stream-stderr" in html
    assert html.count('class="bai-ansi-fg-2"') == 2


def test_huge_stream_keeps_head_tail_and_colour_through_the_cut() -> None:
    text = "\x1b[34m" + "".join(f"line {i}\n" for i in range(200_000)) + "last\n"
    out = str(ansi_to_html(text, budget=10_000))
    assert ">line 0<" in out and ">last<" in out and "line 100000" not in out
    assert "characters not shown" in out
    assert out.rstrip().endswith('<span class="bai-ansi-fg-4">last</span>')
    assert len(out) < 60_000


def test_jupyter_stream_types_and_list_data() -> None:
    html = handle_all([("application/vnd.jupyter.stderr", ["a", "b\n"]), ("text/plain", b"bytes \xff")], "j")
    assert "ab\n" in html and "bai-media-stream-stderr" in html and "bytes \ufffd" in html


def test_saved_lines_are_read_only_when_shown_and_a_bad_one_shows_a_marker() -> None:
    from bai_media.ansi import Terminal

    term = Terminal()
    term.feed("\x1b[31mred\x1b[0m\nplain\n")
    data = term.to_json()
    head = json.loads(data["head"])
    head[1] = [["not a style", "x"]]  # damaged in the store
    restored = Terminal.from_json({**data, "head": json.dumps(head)})
    restored.mark_shown()
    restored.feed("more\n")
    assert restored.html_since_shown() == "more\n"  # continuing never reads the old lines
    html = restored.html()
    assert '<span class="bai-ansi-fg-1">red</span>' in html and "[a saved line could not be read]" in html


def test_cursor_to_a_huge_column_is_clamped_before_padding() -> None:
    out = str(ansi_to_html("\x1b[100000000Gx"))  # 13 bytes once asked for 10**8 columns of padding
    assert len(out) < 1200 and out.startswith(" " * 999 + "x")
    assert "cursor moves past column 1,000 were clamped" in out


def test_numeric_parameters_of_any_length_are_bounded_before_conversion() -> None:
    digits = "9" * 5000  # int() refuses over 4300 digits; the item must still render
    assert ansi_to_html(f"\x1b[{digits}mx\x1b[{digits}Ky").startswith("x")
    assert "clamped" in ansi_to_html(f"\x1b[{digits}Gz")


def test_padding_is_paid_for_by_input() -> None:
    # Erasing a long line keeps the cursor far right; each short write would pad it again.
    out = str(ansi_to_html("a" * 20_000 + "\x1b[2Kx" * 2000))
    assert len(out) < 40_000 and "cursor moves past the end of lines were shortened" in out
    assert ansi_to_html("ab\x1b[5Gc\tz") == "ab  c   z"  # ordinary moves still pad


def test_huge_cursor_moves_inside_tracebacks_are_bounded() -> None:
    html = str(handle_all([("application/vnd.jupyter.error",
                            {"ename": "E", "evalue": "v", "traceback": ["\x1b[100000000Gx"] * 50})], "t"))
    assert len(html) < 100_000 and "clamped" in html


def test_repeated_erase_to_cursor_costs_only_what_it_clears() -> None:
    out = ansi_to_html("a" * 5000 + "\x1b[1K" * 3 + "b")
    assert out == " " * 5000 + "b"


def test_limit_notices_survive_a_save_and_are_never_appended_after() -> None:
    from bai_media.ansi import Terminal

    term = Terminal()
    term.feed("a\x1b[100000000Gx\nmore")
    term.mark_shown()
    data = term.to_json()
    data["notices"].append("<b>forged</b>")  # a damaged store: shown as text, never as markup
    restored = Terminal.from_json(data)
    restored.feed("z\n")
    assert restored.html_since_shown() is None  # the page's notice sits after its last line: replace whole
    html = str(restored.html())
    assert "cursor moves past column 1,000 were clamped" in html and "&lt;b&gt;forged" in html and "<b>" not in html

"""Highlighting: lexers that try only the rules that can match give Pygments' own tokens."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from pygments.lexer import RegexLexer, default
from pygments.lexers import get_lexer_by_name
from pygments.token import Error, Keyword, Name, Punctuation, String, Text

from bai_media import highlight
from bai_media.highlight import dispatched, lexer

#: Languages notebooks declare, and some whose rules use case-insensitive or Unicode classes.
LANGUAGES = ["python", "python2", "r", "julia", "bash", "javascript", "typescript", "sql", "c", "cpp", "java",
             "scala", "go", "rust", "ruby", "perl", "php", "html", "xml", "css", "json", "yaml", "toml", "ini", "markdown",
             "latex", "matlab", "fortran", "haskell", "lua", "kotlin", "csharp", "powershell", "diff", "text", "sas", "vb.net"]
PIECES = ["def ", "class ", "if ", "x", "K", "\u212a", "\u017f", "ß", "é", "中", "→", " ", "\t", "\n", "\r\n", "\0", '"', "'", '"""',
          "'''", "#", "//", "/*", "*/", "<!--", "-->", "<a>", "</a>", "{", "}", "(", ")", "[", "]", "$", "@", "\\", "0x1F", "1e-3",
          "rb'", "F'{x}'", "%%time", "!ls", "=", "==", ":", ";", ",", ".", "&", "|", "^", "~", "`", "?", "END", "begin", "Select"]


@pytest.fixture(autouse=True)
def tables_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lexers build their tables only after some text; here from the first character."""
    monkeypatch.setattr(highlight, "WARM_CHARS", 0)


def _texts(shared: Path | None) -> list[str]:
    rng = random.Random(11)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 120))) for _ in range(40)]
    if shared is not None:
        for path in sorted((shared / "corpus" / "notebooks").glob("*.ipynb"))[:8]:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            texts += ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_dispatched_lexers_give_pygments_tokens(language: str) -> None:
    shared = Path(__file__).resolve().parents[2] / "shared"
    texts = _texts(shared if shared.is_dir() else None)
    plain = get_lexer_by_name(language, stripnl=False)
    ours = lexer(language, stripnl=False)
    assert type(ours) is type(plain)
    for text in texts:
        assert list(ours.get_tokens(text)) == list(plain.get_tokens(text)), (language, text[:80])


def test_the_languages_notebooks_use_are_dispatched() -> None:
    for language in ("python", "r", "julia", "bash", "sql", "javascript"):
        assert "get_tokens_unprocessed" in vars(lexer(language, stripnl=False)), language


class _Cases(RegexLexer):
    """Rules whose first characters the analysis must get right: case-insensitive letters that
    match non-ASCII ones (the Kelvin sign for "k", the long s for "s"), negated sets, empty
    matches, look-arounds and back-references."""

    tokens = {
        "root": [
            (r"(?i)kelvin", Keyword),
            (r"(?i:s)+t", Keyword.Type),
            (r"[^a-z\s]x", Punctuation),
            (r"(?=q)", Text, "quoted"),
            (r"(?<=z)y", Name.Builtin),
            (r"(['\"])\w*\1", String),
            (r"\w+", Name),
            (r"\s+", Text),
        ],
        "quoted": [(r"q+", String), default("#pop")],
    }


def test_case_insensitive_and_unicode_rules_match_as_in_pygments() -> None:
    text = "\u212aELVIN kelvin \u017f\u017ft sst 1x éx \u212ax q qq zy 'ab' \"c\" ß 中x\n"
    assert list(dispatched(_Cases()).get_tokens(text)) == list(_Cases().get_tokens(text))
    assert (Keyword, "\u212aELVIN") in list(dispatched(_Cases()).get_tokens(text))


class _Runaway(RegexLexer):
    """A lexer whose empty match pushes a state for ever, as Pygments' MCSchema lexer does on ``<!--``."""

    tokens = {"root": [(r"a+", Name), (r"(?=<)", Text, "#push")]}


@pytest.mark.parametrize("warm", [0, 10**12])
@pytest.mark.parametrize("make", [_Runaway, lambda: get_lexer_by_name("mcschema")])
def test_lexers_that_loop_on_empty_matches_end_in_linear_time(make, warm: int, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Pygments never returns on these; ours takes the stalled position as an error character,
    with its tables or before it has them."""
    monkeypatch.setattr(highlight, "WARM_CHARS", warm)
    text = "<!--aa" * 2_000
    start = time.process_time()
    tokens = list(dispatched(make()).get_tokens(text))
    assert "".join(value for _, value in tokens) == text + "\n"
    assert time.process_time() - start < 5
    assert (Error, "<") in tokens


def test_tables_are_built_only_for_lexers_with_much_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A little code is lexed the plain way (building tables costs about what 10,000 characters
    do); the same tokens either way."""
    monkeypatch.setattr(highlight, "WARM_CHARS", 10_000)
    monkeypatch.setattr(highlight, "_lexed", {})
    monkeypatch.setattr(highlight, "_STATES", {})
    ours = dispatched(_Cases())
    text = "kelvin 'a' zy q\n" * 10
    expected = list(_Cases().get_tokens(text))
    assert list(ours.get_tokens(text)) == expected and highlight._STATES == {}
    list(ours.get_tokens("x" * 10_000))
    assert list(ours.get_tokens(text)) == expected and highlight._STATES != {}

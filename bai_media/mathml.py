"""TeX to MathML on the server, so math displays with no client JavaScript.

latex2mathml was chosen over matplotlib mathtext by measured coverage on a sympy corpus
(``scripts/latex_coverage.py``). Its output is not trusted: it copies ``\\text{...}`` raw, so
everything goes through :func:`bai_media.sanitize.sanitize_mathml`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markupsafe import Markup

from .sanitize import sanitize_mathml

#: Commands latex2mathml would pass through as visible source; treat them as unrenderable.
_UNKNOWN_COMMAND = re.compile(r"<m[io]>\\[A-Za-z]+</m[io]>")
_MAX_TEX = 20_000
#: latex2mathml looks ahead for closing braces, so unbalanced or deep braces cost it quadratic
#: time (or recursion); both are refused before it runs.
_MAX_BRACE_DEPTH = 50
_BRACE = re.compile(r"\\.|[{}]", re.DOTALL)


class MathError(ValueError):
    """TeX that cannot be rendered as math; callers show the source instead."""


def tex_to_mathml(tex: str, display: bool = False) -> Markup:
    """Render one TeX expression (without delimiters) as sanitized MathML."""
    from latex2mathml.converter import convert

    if len(tex) > _MAX_TEX:
        raise MathError(f"expression longer than {_MAX_TEX:,} characters")
    _check_braces(tex)
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except RecursionError as exc:
        raise MathError("expression nested too deeply") from exc
    except Exception as exc:  # latex2mathml raises many kinds of errors for bad TeX
        raise MathError(f"{type(exc).__name__}: {exc}") from exc
    if _UNKNOWN_COMMAND.search(mathml):
        raise MathError("unsupported command")
    return sanitize_mathml(mathml)


def _check_braces(tex: str) -> None:
    depth = 0
    for token in _BRACE.findall(tex):
        if token == "{":
            depth += 1
            if depth > _MAX_BRACE_DEPTH:
                raise MathError(f"braces nested deeper than {_MAX_BRACE_DEPTH}")
        elif token == "}":
            depth -= 1
            if depth < 0:
                break
    if depth:
        raise MathError("unbalanced braces")


# Math delimiters in text: $$..$$, \[..\], \begin{env}..\end{env} (display); $..$, \(..\) (inline).
MATH_SPANS = re.compile(
    r"""
      \$\$(?P<dd>.+?)\$\$
    | \\\[(?P<db>.+?)\\\]
    | (?P<env>\\begin\{(?P<envname>equation\*?|align\*?|gather\*?|displaymath|multline\*?)\}.+?\\end\{(?P=envname)\})
    | (?<![\\$])\$(?P<i>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\d)
    | \\\((?P<ib>.+?)\\\)
    """,
    re.VERBOSE | re.DOTALL,
)


_CANDIDATE = re.compile(r"[$\\]")
_ENV_OPEN = re.compile(r"\\begin\{(equation\*?|align\*?|gather\*?|displaymath|multline\*?)\}")
_INLINE = re.compile(r"(?<![\\$])\$[^\s$](?:[^$]*?[^\s\\$])?\$(?!\d)")


def find_math(text: str) -> Iterator[re.Match[str]]:
    """The matches ``MATH_SPANS.finditer(text)`` gives, found in time linear in ``text``.

    The regex alone is quadratic on unclosed delimiters (``"\\(" * 32000`` rescans the rest of
    the text from every opener). Here each closer is found with one ``str.find``; a closer that
    is missing from some point on is missing for every later opener too, so it is looked for once.
    """
    missing: set[str] = set()

    def close(closer: str, start: int) -> int:
        """The end of the first ``closer`` at or after ``start``, or -1."""
        if closer in missing:
            return -1
        found = text.find(closer, start)
        if found < 0:
            missing.add(closer)
            return -1
        return found + len(closer)

    pos = 0
    while (candidate := _CANDIDATE.search(text, pos)) is not None:
        p = candidate.start()
        end = -1
        if text[p] == "$":
            if text.startswith("$$", p):
                end = close("$$", p + 3)
            if end < 0 and (inline := _INLINE.match(text, p)) is not None:  # scans to the next $
                end = inline.end()
        elif text.startswith("\\[", p):
            end = close("\\]", p + 3)
        elif (env := _ENV_OPEN.match(text, p)) is not None:
            end = close(f"\\end{{{env.group(1)}}}", env.end() + 1)
        elif text.startswith("\\(", p):
            end = close("\\)", p + 3)
        # The regex has the last word, within the span's end plus one character of lookahead.
        match = MATH_SPANS.match(text, p, min(len(text), end + 1)) if end >= 0 else None
        if match is None:
            pos = p + 1
            continue
        yield match
        pos = match.end()


def span_tex(match: re.Match[str]) -> tuple[str, bool]:
    """The TeX inside a :data:`MATH_SPANS` match and whether it is display math."""
    for group, display in (("dd", True), ("db", True), ("i", False), ("ib", False)):
        if match.group(group) is not None:
            return match.group(group), display
    env = match.group("env")
    inner = env[env.index("}") + 1 : env.rindex("\\end")]
    # align-like environments: latex2mathml understands the aligned form inside math.
    return "\\begin{aligned}" + inner + "\\end{aligned}" if "align" in env[:20] else inner, True

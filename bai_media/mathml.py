"""TeX to MathML on the server, so math displays with no client JavaScript.

latex2mathml was chosen over matplotlib mathtext by measured coverage on a sympy corpus
(``scripts/latex_coverage.py``). Its output is not trusted: it copies ``\\text{...}`` raw, so
everything goes through :func:`bai_media.sanitize.sanitize_mathml`. Every formula carries its TeX
source as an ``application/x-tex`` annotation, the accessible text screen readers and copy use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from .sanitize import sanitize_mathml

#: Commands latex2mathml would pass through as visible source; treat them as unrenderable.
_UNKNOWN_COMMAND = re.compile(r"<m[io]>\\[A-Za-z]+</m[io]>")
_MAX_TEX = 20_000
#: Formulas rendered per item (latex2mathml costs ~0.3 ms each); beyond, TeX shows as source.
MAX_FORMULAS = 2_000
MAX_FORMULA_CHARS = 100_000
#: latex2mathml renders ``aligned``/``gathered`` as one row with literal ``&``; ``split`` and a
#: centred ``array`` are the same layouts it does render as tables.
_ALIGNED = re.compile(r"\\(begin|end)\{(?:aligned|align\*?|eqnarray\*?|alignedat|multline\*?)\}(?:\{\d+\})?")
_GATHERED = re.compile(r"\\begin\{(?:gathered|gather\*?)\}|\\end\{(?:gathered|gather\*?)\}")
_MATH_ELEMENT = re.compile(r"^<math[^>]*>(.*)</math>$", re.DOTALL)


class MathError(ValueError):
    """TeX that cannot be rendered as math; callers show the source instead."""


def _environments(tex: str) -> str:
    tex = _ALIGNED.sub(lambda m: f"\\{m.group(1)}{{split}}", tex)
    return _GATHERED.sub(lambda m: "\\begin{array}{c}" if m.group(0).startswith("\\begin") else "\\end{array}", tex)


@lru_cache(maxsize=2048)
def _presentation(tex: str, display: bool) -> Markup:
    """The sanitized presentation MathML (the children of ``<math>``) of one expression."""
    from latex2mathml.converter import convert

    if len(tex) > _MAX_TEX:
        raise MathError(f"expression longer than {_MAX_TEX:,} characters")
    try:
        mathml = convert(_environments(tex), display="block" if display else "inline")
    except RecursionError as exc:
        raise MathError("expression nested too deeply") from exc
    except Exception as exc:  # latex2mathml raises many kinds of errors for bad TeX
        raise MathError(f"{type(exc).__name__}: {exc}") from exc
    if _UNKNOWN_COMMAND.search(mathml):
        raise MathError("unsupported command")
    inner = _MATH_ELEMENT.match(str(sanitize_mathml(mathml)))
    return Markup(inner.group(1) if inner else "")


def tex_to_mathml(tex: str, display: bool = False) -> Markup:
    """One TeX expression (without delimiters) as a sanitized ``<math>`` element with its source."""
    return Markup('<math display="{}"><semantics>{}<annotation encoding="application/x-tex">{}</annotation></semantics></math>').format(
        "block" if display else "inline", _presentation(tex.strip(), display), tex)


def unrendered_math(tex: str, display: bool) -> Markup:
    """TeX that could not be rendered, shown visibly as source inside MathML's error element."""
    return Markup('<math display="{}"><merror><mtext>{}</mtext></merror></math>').format("block" if display else "inline", tex)


@dataclass(frozen=True, slots=True)
class MathSpan:
    """One formula found in text: where it is, its TeX, and whether it is display math."""

    start: int
    end: int
    tex: str
    display: bool


#: Environments MathJax (and so Jupyter) typesets when they stand in text without ``$$``.
_TEXT_ENVIRONMENTS = ("equation", "equation*", "displaymath", "align", "align*", "aligned", "gather", "gather*", "gathered",
                      "multline", "multline*", "eqnarray", "eqnarray*", "split", "cases", "matrix", "pmatrix",
                      "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "array")
_OPENER = re.compile(r"\$\$|\$|\\\[|\\\(|\\begin\{(" + "|".join(re.escape(e) for e in _TEXT_ENVIRONMENTS) + r")\}")
_CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}


def find_math(text: str) -> Iterator[MathSpan]:
    """Math delimited as in Jupyter: ``$$..$$``, ``\\[..\\]``, environments (display); ``$..$``,
    ``\\(..\\)`` (inline). ``\\$`` is a dollar; ``$5 or $6`` is not math.

    Linear: the next position of each closing delimiter is remembered, so a thousand unclosed
    ``\\[`` cost one search rather than one each.
    """
    found: dict[str, int] = {}

    def closer_at(closer: str, pos: int) -> int:
        at = found.get(closer)
        if at is None or (at != -1 and at < pos):
            at = found[closer] = text.find(closer, pos)
        return at

    pos = 0
    while (m := _OPENER.search(text, pos)) is not None:
        start, opener = m.start(), m.group(0)
        if start > 0 and (text[start - 1] == "\\" or (opener == "$" and text[start - 1] == "$")):  # \$, \\[ are text
            pos = start + 1
            continue
        if opener == "$":
            end = text.find("$", start + 1)
            tex = text[start + 1 : end] if end != -1 else ""
            if (end != -1 and tex and not tex[0].isspace() and not tex[-1].isspace() and tex[-1] != "\\"
                    and not text[end + 1 : end + 2].isdigit()):
                yield MathSpan(start, end + 1, tex, False)
                pos = end + 1
            else:
                pos = start + 1
            continue
        if m.group(1):
            closer = f"\\end{{{m.group(1)}}}"
            end = closer_at(closer, m.end())
            if end == -1:
                pos = start + 1
                continue
            whole = text[start : end + len(closer)]
            inner = text[m.end() : end]
            tex = inner if m.group(1) in ("equation", "equation*", "displaymath") else whole
            yield MathSpan(start, end + len(closer), tex, True)
            pos = end + len(closer)
            continue
        closer = _CLOSERS[opener]
        end = closer_at(closer, m.end() + 1)  # at least one character inside
        if end == -1:
            pos = start + 1
            continue
        yield MathSpan(start, end + len(closer), text[m.end() : end], opener in ("$$", "\\["))
        pos = end + len(closer)

"""TeX to MathML on the server, so math displays with no client JavaScript.

latex2mathml was chosen over matplotlib mathtext by measured coverage on a sympy corpus
(``scripts/latex_coverage.py``). Its output is not trusted: it copies ``\\text{...}`` raw, so
everything goes through :func:`bai_media.sanitize.sanitize_mathml`.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from .sanitize import sanitize_mathml

#: Commands latex2mathml would pass through as visible source; treat them as unrenderable.
_UNKNOWN_COMMAND = re.compile(r"<m[io]>\\[A-Za-z]+</m[io]>")
_MAX_TEX = 20_000


class MathError(ValueError):
    """TeX that cannot be rendered as math; callers show the source instead."""


def tex_to_mathml(tex: str, display: bool = False) -> Markup:
    """Render one TeX expression (without delimiters) as sanitized MathML."""
    from latex2mathml.converter import convert

    if len(tex) > _MAX_TEX:
        raise MathError(f"expression longer than {_MAX_TEX:,} characters")
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except RecursionError as exc:
        raise MathError("expression nested too deeply") from exc
    except Exception as exc:  # latex2mathml raises many kinds of errors for bad TeX
        raise MathError(f"{type(exc).__name__}: {exc}") from exc
    if _UNKNOWN_COMMAND.search(mathml):
        raise MathError("unsupported command")
    return sanitize_mathml(mathml)


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


def span_tex(match: re.Match[str]) -> tuple[str, bool]:
    """The TeX inside a :data:`MATH_SPANS` match and whether it is display math."""
    for group, display in (("dd", True), ("db", True), ("i", False), ("ib", False)):
        if match.group(group) is not None:
            return match.group(group), display
    env = match.group("env")
    inner = env[env.index("}") + 1 : env.rindex("\\end")]
    # align-like environments: latex2mathml understands the aligned form inside math.
    return "\\begin{aligned}" + inner + "\\end{aligned}" if "align" in env[:20] else inner, True

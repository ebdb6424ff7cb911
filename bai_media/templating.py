"""A fast path for the one-line templates every item passes through.

Jinja builds a fresh context for each render, which costs more than the rest of a short stream
item. A template that is only text and ``{{ name }}``, ``{{ name.attr }}`` or ``{{ name[:N] }}``
placeholders is compiled instead to one Python function that joins its text with the values,
each escaped exactly as Jinja's autoescape escapes it. Anything else (tags, filters, comments)
stays with Jinja, so an overriding template of any shape still works.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from typing import Any

import markupsafe
from markupsafe import Markup

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)\s*(?:\[\s*:\s*(\d+)\s*\])?\s*\}\}")


def _escape_text(text: str) -> str:
    """MarkupSafe's escaping of a str (``& < > ' "``), as a str."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


#: MarkupSafe's own escaping of a str, without wrapping the result in Markup: its C speed-up
#: where this MarkupSafe exposes it, else the same replacements in Python.
escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_text)

#: ``markup(text)`` is ``Markup(text)`` for a str: ``str.__new__`` skips ``Markup.__new__``'s
#: ``__html__`` check, a Python call that costs more than a short item's escaping.
_new_str = str.__new__


def markup(text: str) -> Markup:
    """``Markup(text)`` for a ``str`` known to be safe HTML, without the Python-level constructor."""
    return _new_str(Markup, text)  # type: ignore[no-any-return]


def escape_value(value: Any) -> str:
    """What Jinja's autoescape writes for ``{{ value }}``: ``Markup`` as it is, text escaped as
    MarkupSafe escapes it (``& < > ' "``), anything else through MarkupSafe."""
    if type(value) is str:
        return escape_text(value)
    if type(value) is Markup:
        return value
    return _escape_other(value)


def _escape_other(value: Any) -> str:
    """:func:`escape_value` of what is neither ``str`` nor ``Markup``: its own HTML (as
    ``markupsafe.escape`` reads it, without wrapping it in Markup again), else its text escaped."""
    if hasattr(value, "__html__"):
        html = value.__html__()
        return html if type(html) is str or type(html) is Markup else Markup(html)
    return escape_text(str(value))


def compile_simple(source: str) -> Callable[..., Markup] | None:
    """A render function equivalent to Jinja's for ``source``, or None if it is not that simple."""
    if source.endswith("\n"):
        source = source[:-1]  # Jinja drops one trailing newline (keep_trailing_newline=False)
    pieces = _PLACEHOLDER.split(source)
    texts, fields = pieces[0::4], [pieces[i : i + 3] for i in range(1, len(pieces), 4)]
    if any("{" in text or "}" in text for text in texts):
        return None  # braces outside placeholders: let Jinja's lexer decide what they mean
    words = [word for name, attrs, _ in fields for word in (name, *attrs.split(".")[1:])]
    if any(word.startswith("_") or keyword.iskeyword(word) for word in words):
        return None  # not a plain Python identifier here (keyword, or like the helpers' names)
    # The generated code holds only identifiers, attribute names and integers matched above, and
    # the template's text as string literals (repr): no template content becomes code. Each value
    # is read once and escaped inline as escape_value does (no Python call for str or Markup).
    names = sorted({name for name, _, _ in fields})
    lines = []
    parts = [repr(texts[0])]
    for number, ((name, attrs, limit), text) in enumerate(zip(fields, texts[1:])):
        value = f"_v{number}"
        lines.append(f"    {value} = {name}{attrs}{f'[:{int(limit)}]' if limit else ''}")
        lines.append(f"    {value} = _text({value}) if _type({value}) is _str else {value} if _type({value}) is _Markup "
                     f"else _escape({value})")
        parts.append(value)
        parts.append(repr(text))
    params = f"*, {', '.join(names)}, **_rest" if names else "**_rest"
    body = "\n".join(lines)
    code = f"def render({params}):\n{body}\n    return _new(_Markup, ''.join(({', '.join(parts)},)))\n"
    # Helpers are underscored: placeholders may be named like builtins (``{{ type }}``).
    namespace: dict[str, Any] = {"_text": escape_text, "_escape": _escape_other, "_Markup": Markup, "_new": _new_str,
                                 "_type": type, "_str": str}
    exec(compile(code, "<bai-media template>", "exec"), namespace)  # noqa: S102 - generated above
    return namespace["render"]  # type: ignore[no-any-return]

"""A fast path for the one-line templates every item passes through.

Jinja builds a fresh context for each render, which costs more than the rest of a short stream
item. A template that is only text and ``{{ name }}``, ``{{ name.attr }}`` or ``{{ name[:N] }}``
placeholders is compiled instead to one Python function that joins its text with the values,
each escaped exactly as Jinja's autoescape escapes it. Anything else (tags, filters, comments)
stays with Jinja, so an overriding template of any shape still works.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)*)\s*(?:\[\s*:\s*(\d+)\s*\])?\s*\}\}")


def escape_value(value: Any) -> str:
    """What Jinja's autoescape writes for ``{{ value }}``: ``Markup`` as it is, text escaped as
    MarkupSafe escapes it (``& < > ' "``), anything else through MarkupSafe."""
    if type(value) is str:
        return (value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
                .replace("'", "&#39;").replace('"', "&#34;"))
    if type(value) is Markup:
        return value
    return escape(value)


def compile_simple(source: str) -> Callable[..., Markup] | None:
    """A render function equivalent to Jinja's for ``source``, or None if it is not that simple."""
    if source.endswith("\n"):
        source = source[:-1]  # Jinja drops one trailing newline (keep_trailing_newline=False)
    pieces = _PLACEHOLDER.split(source)
    texts, fields = pieces[0::4], [pieces[i : i + 3] for i in range(1, len(pieces), 4)]
    if any("{" in text or "}" in text for text in texts):
        return None  # braces outside placeholders: let Jinja's lexer decide what they mean
    # The generated code holds only identifiers, attribute names and integers matched above, and
    # the template's text as string literals (repr): no template content becomes code.
    names = sorted({name for name, _, _ in fields})
    parts = [repr(texts[0])]
    for (name, attrs, limit), text in zip(fields, texts[1:]):
        parts.append(f"_escape({name}{attrs}{f'[:{int(limit)}]' if limit else ''})")
        parts.append(repr(text))
    params = f"*, {', '.join(names)}, **_rest" if names else "**_rest"
    code = f"def render({params}):\n    return _Markup(''.join(({', '.join(parts)},)))\n"
    namespace: dict[str, Any] = {"_escape": escape_value, "_Markup": Markup}
    exec(compile(code, "<bai-media template>", "exec"), namespace)  # noqa: S102 - generated above
    return namespace["render"]  # type: ignore[no-any-return]

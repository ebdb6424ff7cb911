"""The README's handler example runs as written."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_writing_a_handler_example_runs() -> None:
    section = README.read_text(encoding="utf-8").split("### Writing a handler", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    html = out.getvalue()
    assert "<b>2</b> so far" in html and "<b>5</b> so far" in html
    assert 'class="bai-media-item bai-media-application tally" id="t-1"' in html

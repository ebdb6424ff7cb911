"""Size limits, with visible head/tail truncation instead of silent loss."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-renderer limits. Defaults follow Backend.AI's promise of 524,288 characters a stream."""

    text_chars: int = 524_288
    html_chars: int = 2_000_000
    #: Selector matching allowed when inlining a kernel's ``<style>`` rules (see
    #: ``handlers.html.style_cost``; about a second in the worst case measured). The characters
    #: inlining may add are held to ``html_chars``.
    style_matching: int = 10_000_000
    image_bytes: int = 20_000_000
    image_pixels: int = 50_000_000
    svg_bytes: int = 5_000_000
    json_chars: int = 16_000_000
    json_nodes: int = 20_000
    json_depth: int = 40
    drawing_bytes: int = 5_000_000
    drawing_commands: int = 200_000
    drawing_objects: int = 10_000
    drawing_steps: int = 2_000
    result_items: int = 10_000
    nesting: int = 8
    item_parts: int = 2_000
    widget_depth: int = 24
    plotly_chars: int = 8_000_000
    plotly_strings: int = 200_000
    vega_chars: int = 4_000_000


@dataclass(frozen=True, slots=True)
class Truncated:
    """A string cut to a limit: ``head`` + marker + ``tail``; ``cut`` is how much is not shown."""

    head: str
    tail: str
    cut: int


def truncate(text: str, limit: int) -> str | Truncated:
    """Return ``text`` if it fits, else its first and last parts (2/3 head, 1/3 tail)."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    tail = limit - head
    return Truncated(text[:head], text[len(text) - tail :] if tail else "", len(text) - limit)

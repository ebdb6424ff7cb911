"""Unknown types and scripts: visible notices, never dropped, never run."""

from __future__ import annotations

from bai_media import handle_all


def test_unknown_type_notice_names_type_and_size() -> None:
    html = handle_all([("application/x-thing", b"12345"), ("x/y", [1, 2]), ("x/z", 3)], "u")
    assert "(5 bytes)" in html and "(2 elements)" in html and "(a int)" in html


def test_javascript_is_a_quiet_notice() -> None:
    html = handle_all([("application/javascript", "alert(1)")], "u")
    assert "is not run on this page" in html and "alert(1)" not in html

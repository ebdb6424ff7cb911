"""scripts/bench.py keeps working: its measuring function and a fast row, end to end.

No speed is asserted here (targets live in bench.py); only that the figures exist and hold together.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "bench.py"


def _bench_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_measure_times_calls_and_command_lines_alike() -> None:
    bench = _bench_module()
    calls: list[str] = []
    busy = sys.executable, "-c", "sum(range(3_000_000))"

    def spin() -> None:
        calls.append("x")
        end = time.process_time() + 0.02
        while time.process_time() < end:
            pass

    mine, child = bench.measure([spin, list(busy)], 2, loops=[3, 1])
    assert len(calls) == 3 * 3  # a warm-up and two runs, three calls each
    assert 0.018 <= mine.cpu <= mine.wall * 1.5 and mine.runs == 2
    # The child's CPU is counted although this process only waited for it.
    assert child.cpu >= 0.03 and child.wall >= child.cpu * 0.5
    row = bench.faster("demo", mine, child, 1)
    assert row.ratio.endswith(f"(wall {child.wall / mine.wall:.1f}x)") and row.ok is (child.cpu / mine.cpu >= 1)


def test_a_failing_command_line_is_an_error_not_a_figure() -> None:
    bench = _bench_module()
    try:
        bench.measure([[sys.executable, "-c", "import sys; sys.exit('broken on purpose')"]], 1)
    except RuntimeError as exc:
        assert "exited with 1: broken on purpose" in str(exc)
    else:
        raise AssertionError("a failing command was timed")


def test_quick_row_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "rows.json"
    proc = subprocess.run([sys.executable, str(SCRIPT), "--quick", "-k", "overhead", "--markdown", "--json", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    saved = json.loads(out.read_text())
    assert saved["quick"] is True and "cores" in saved["machine"] and "Python" in saved["machine"]
    (row,) = saved["rows"]
    assert row["name"].startswith("one short stdout line") and row["ours"].endswith("wall")
    assert "x the time (wall" in row["ratio"] and row["target"] == "<= 30x" and isinstance(row["ok"], bool)
    assert proc.stdout.startswith("| benchmark | bai-media | alternative | ratio | target | met |")
    assert saved["machine"] in proc.stdout

"""Write a terminal session as an asciicast v2 file (asciinema's format): a JSON header line,
then ``[seconds, "o", text]`` output and ``[seconds, "r", "COLSxROWS"]`` resize events."""

from __future__ import annotations

import codecs
import json
import os
import time
from pathlib import Path
from typing import IO


class AsciicastRecorder:
    def __init__(self, path: str | os.PathLike[str], rows: int = 24, cols: int = 80, title: str | None = None) -> None:
        self._file: IO[str] = Path(path).open("w", encoding="utf-8")
        self._start = time.monotonic()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")  # output splits characters
        header = {"version": 2, "width": cols, "height": rows, "timestamp": int(time.time()),
                  "env": {"TERM": "xterm-256color"}}
        if title:
            header["title"] = title
        self._write(header)

    def _write(self, value: object) -> None:
        self._file.write(json.dumps(value, ensure_ascii=False) + "\n")
        self._file.flush()

    def _event(self, code: str, data: str) -> None:
        if not self._file.closed:
            self._write([round(time.monotonic() - self._start, 6), code, data])

    def output(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        if text:
            self._event("o", text)

    def resize(self, rows: int, cols: int) -> None:
        self._event("r", f"{cols}x{rows}")

    def close(self) -> None:
        if not self._file.closed:
            rest = self._decoder.decode(b"", final=True)
            if rest:
                self._event("o", rest)
            self._file.close()

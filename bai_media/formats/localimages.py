"""Relative images of a document on disk (``![](figures/x.png)``, ``<img src="x.png">``).

The adapters' side of :func:`bai_media.sanitize.resolving_images`: handlers never read files;
the CLI gives each notebook one of these, and a web app may do the same for files it trusts.
Only regular files inside the document's own folder are read, walked one directory at a time
with ``O_NOFOLLOW`` (no symlink, ``..`` or absolute path can lead outside, even if the folder
changes meanwhile), each checked by Pillow and bounded in bytes and pixels.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from urllib.parse import unquote

from ..datauri import to_data_uri

#: Pillow format -> MIME type of the images that may be embedded (what ``img`` data URIs allow).
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


class Refused(Exception):
    """Why one image was not embedded; the message is safe to show."""


class FolderImages:
    """An image resolver for the files under ``folder``; ``refused`` lists what it turned down.

    ``max_bytes`` bounds one image, ``total_bytes`` all images of the document together.
    """

    def __init__(self, folder: str | os.PathLike[str], *, max_bytes: int = 10_000_000,
                 total_bytes: int = 50_000_000, max_pixels: int = 50_000_000) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.budget = total_bytes
        self.max_pixels = max_pixels
        self.refused: list[tuple[str, str]] = []
        self._done: dict[str, str | None] = {}

    def __call__(self, url: str) -> str | None:
        if url not in self._done:
            try:
                self._done[url] = self._embed(url)
            except Refused as exc:
                self._done[url] = None
                self.refused.append((url[:200], str(exc)))
        return self._done[url]

    def _embed(self, url: str) -> str:
        parts = _parts(url)
        payload = self._read(parts)
        self.budget -= len(payload)
        if self.budget < 0:
            raise Refused("the document's images are over their total size limit")
        from PIL import Image, UnidentifiedImageError  # ~15 ms to import: paid by pages with images

        try:
            with Image.open(io.BytesIO(payload), formats=list(IMAGE_TYPES)) as image:
                width, height = image.size
                if width * height > self.max_pixels:
                    raise Refused(f"{width}×{height} pixels is over the limit")
                mime = IMAGE_TYPES[str(image.format)]
                image.verify()
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
            raise Refused("not a PNG, JPEG, GIF or WebP image") from exc
        return to_data_uri(mime, payload)

    def _read(self, parts: list[str]) -> bytes:
        """The file at ``parts`` under the folder, opened component by component, no symlinks."""
        try:
            fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise Refused("the document's folder cannot be read") from exc
        try:
            for part in parts[:-1]:
                next_fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                os.close(fd)
                fd = next_fd
            file_fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
        except OSError as exc:
            raise Refused("no such file in the document's folder (symlinks are not followed)") from exc
        finally:
            os.close(fd)
        info = os.fstat(file_fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > self.max_bytes:
            os.close(file_fd)
            if not stat.S_ISREG(info.st_mode):
                raise Refused("not a regular file")
            raise Refused(f"{info.st_size:,} bytes is over the limit of {self.max_bytes:,}")
        with os.fdopen(file_fd, "rb") as file:
            return file.read(self.max_bytes + 1)[: self.max_bytes]


def _parts(url: str) -> list[str]:
    """The path components of a relative URL, or :class:`Refused` for anything else."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path or path.startswith(("/", "\\")) or ":" in path.split("/", 1)[0]:
        raise Refused("only paths relative to the document are embedded")
    decoded = unquote(path)
    if "\\" in decoded or "\x00" in decoded:
        raise Refused("only paths relative to the document are embedded")
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise Refused("paths outside the document's folder are not read")
    return parts

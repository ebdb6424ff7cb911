"""A shell (or any command) in a local pty, for development and demos. Never expose it publicly:
whoever reaches it runs commands as this process's user."""

from __future__ import annotations

import asyncio
import errno
import os
import shlex
from collections.abc import Callable, Sequence

from ..buffer import OutputBuffer
from .base import BackendError

READ_SIZE = 65536


def default_command() -> list[str]:
    return [os.environ.get("SHELL") or "/bin/sh"]


class LocalChannel:
    def __init__(self, argv: Sequence[str], rows: int, cols: int, env: dict[str, str], buffer_limit: int) -> None:
        self.argv = list(argv)
        self.env = env
        self.size = (rows, cols)
        self.buffer_limit = buffer_limit
        self.on_close: Callable[[LocalChannel], None] = lambda channel: None
        self._stopping = False
        self._loop = asyncio.get_running_loop()
        self._spawn()

    def _spawn(self) -> None:
        from ptyprocess import PtyProcess

        try:
            self.proc = PtyProcess.spawn(self.argv, dimensions=self.size, env=self.env)
        except OSError as exc:
            raise BackendError(f"cannot start {shlex.join(self.argv)}: {exc.strerror or exc}") from None
        os.set_blocking(self.proc.fd, False)
        self.buffer = OutputBuffer(self.buffer_limit)
        self._reading = False
        self._resume()

    def _resume(self) -> None:
        # Never while a restart kills the old shell: its hangup must not end the new buffer.
        if not self._reading and not self._stopping and not self.buffer.full and self.proc.fd >= 0:
            self._loop.add_reader(self.proc.fd, self._on_readable)
            self._reading = True

    def _pause(self) -> None:
        if self._reading:
            self._loop.remove_reader(self.proc.fd)
            self._reading = False

    def _on_readable(self) -> None:
        try:
            data = os.read(self.proc.fd, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:  # EIO: every process on the pty's slave side has gone
            data = b""
        if not data:
            self._pause()
            self.buffer.close()
            return
        self.buffer.append(data)
        if self.buffer.full:  # backpressure: the program blocks writing to its pty
            self._pause()

    async def read(self) -> bytes:
        while True:
            buffer = self.buffer
            data = await buffer.take()
            if data:
                self._resume()
                return data
            if buffer is self.buffer:  # not a restart: the terminal ended
                return data

    async def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.proc.fd, view):]
            except BlockingIOError:
                ready = self._loop.create_future()
                self._loop.add_writer(self.proc.fd, ready.set_result, None)
                try:
                    await asyncio.wait_for(ready, 5)
                except TimeoutError:
                    raise BackendError("the terminal does not read its input") from None
                finally:
                    self._loop.remove_writer(self.proc.fd)
            except OSError as exc:
                if exc.errno == errno.EIO:
                    return
                raise

    async def resize(self, rows: int, cols: int) -> None:
        self.size = (rows, cols)
        if self.proc.isalive():
            self.proc.setwinsize(rows, cols)

    async def ping(self) -> None:
        return None

    async def restart(self) -> None:
        old = self.buffer
        await self._kill()
        self._stopping = False
        self._spawn()
        old.close()  # the pump finds the new buffer

    async def close(self) -> None:
        self.on_close(self)
        await self._kill()
        self.buffer.close()  # a reader still waiting gets the end
    async def _kill(self) -> None:
        """Hang up and kill the whole process group: no shell or job may outlive the page."""
        self._stopping = True
        self._pause()
        await asyncio.to_thread(_terminate, self.proc)


def _session_members(sid: int) -> list[int]:
    """Processes of the terminal's session, including jobs the shell moved to other groups."""
    members = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            try:
                if os.getsid(int(entry)) == sid:
                    members.append(int(entry))
            except OSError:
                continue
    return members


def _terminate(proc: object) -> None:
    """Hang up the shell's group, kill every process of its session (jobs in groups of their
    own too), then the shell. Linux reuses no pid still naming a session, so the list is safe."""
    import signal

    from ptyprocess import PtyProcess

    assert isinstance(proc, PtyProcess)
    pid = proc.pid
    members = [p for p in _session_members(pid) if p != pid]
    for sig in (signal.SIGHUP, signal.SIGCONT):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            break
    for member in members:
        try:
            os.kill(member, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    proc.terminate(force=True)
    proc.close(force=True)


class LocalBackend:
    """Each connection gets its own process in a new pty; the session id is only a label."""

    def __init__(self, command: Sequence[str] | None = None, env: dict[str, str] | None = None,
                 buffer_limit: int = 64 * 1024) -> None:
        self.command = list(command or default_command())
        self.env = {**os.environ, "TERM": "xterm-256color", **(env or {})}
        self.buffer_limit = buffer_limit
        self.channels: set[LocalChannel] = set()

    async def open(self, session_id: str, rows: int, cols: int) -> LocalChannel:
        channel = LocalChannel(self.command, rows, cols, self.env, self.buffer_limit)
        self.channels.add(channel)
        channel.on_close = self.channels.discard
        return channel

    async def close_all(self) -> None:
        """End every terminal still open (a server shutting down must leave no shell behind)."""
        for channel in list(self.channels):
            await channel.close()

"""The local pty backend on its own: restarts under a flood of output never look like an end."""

from __future__ import annotations

import asyncio

from bai_media.webterm.backends.local import LocalBackend

from ..helpers import marked_pids, run_async


def test_restarts_during_a_flood_never_end_the_session() -> None:
    async def go() -> tuple[list[bool], int]:
        backend = LocalBackend(["sh", "-c", "yes"], env={"BAI_MEDIA_TEST_MARK": "local-restart"})
        channel = await backend.open("s", 24, 80)
        ends: list[bool] = []  # for each end of output: had close() been called?
        closing = False

        async def pump() -> None:
            while await channel.read():
                pass
            ends.append(closing)

        task = asyncio.create_task(pump())
        for _ in range(8):
            await asyncio.sleep(0.05)
            await channel.restart()
        await asyncio.sleep(0.1)
        alive = len(marked_pids("local-restart"))
        closing = True
        await channel.close()
        await asyncio.wait_for(task, 10)  # closing ends it
        return ends, alive

    ends, alive = run_async(go())
    assert ends == [True]  # output ended once, at the close, never at one of the eight restarts
    assert alive >= 1 and marked_pids("local-restart") == []

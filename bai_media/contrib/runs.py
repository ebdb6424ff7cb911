"""The render endpoint's protocol, shared by Flask, Django and the dev server.

``POST <prefix>/render`` with ``{"media": [...], "result_id": "..."}`` renders a result afresh
and answers its container; with ``"continue": true`` it continues the saved result of that id
and answers only the elements that changed. Saved results live in a :mod:`bai_media.store`
under the visitor's *scope* (a random token in their session), so a visitor can never reach
another's run whatever id they send. Each request has a work budget; what exceeds it becomes
one visible notice. A call may carry ``"seq"``, a string naming it (the runtime's is a page nonce
and a counter): a retry of a continued call whose answer was lost gets that answer again instead
of continuing the run twice. Heavy requests render in a :class:`~bai_media.contrib.lanes.Lane`, a few at
a time per machine, so they cannot crowd out ordinary ones.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from markupsafe import Markup

from ..formats import backendai
from ..formats.backendai import BackendAISession
from ..items import invalid
from ..renderer import Renderer
from ..result import MediaResult, RenderedItem
from ..store import DEFAULT_TTL, Store, StoreBusy
from .common import parse_json
from .lanes import Lane

#: Largest request body accepted unless ``BAI_MEDIA_MAX_BODY`` says otherwise.
MAX_BODY = 10_000_000
#: Session key holding the visitor's scope token.
SCOPE_KEY = "bai_media_scope"


@dataclass(frozen=True, slots=True)
class Budget:
    """What one request may cost: rendered output bytes and wall-clock seconds (checked between items)."""

    output_bytes: int = 20_000_000
    seconds: float = 10.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: str
    retry_after: int | None = None

    @property
    def content_type(self) -> str:
        return "text/html; charset=utf-8" if self.status == 200 else "text/plain; charset=utf-8"

    @property
    def headers(self) -> dict[str, str]:
        """Headers besides Content-Type: Retry-After on a 503 the client should repeat."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


def read_body(ctype: str, length: int | None, read: Callable[[int], bytes], max_body: int) -> Answer | bytes:
    """The JSON body, or the answer refusing it. ``length`` None is a chunked body, read up to the limit."""
    if ctype.split(";")[0].strip().lower() != "application/json":
        return Answer(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "expected application/json\n")
    if length is not None and length > max_body:
        return Answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body larger than {max_body:,} bytes\n")
    body = _read(read, max_body + 1 if length is None else length)
    if len(body) > max_body:
        return Answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body larger than {max_body:,} bytes\n")
    if not body:
        return Answer(HTTPStatus.BAD_REQUEST, "empty body\n")
    return body


def _read(read: Callable[[int], bytes], size: int) -> bytes:
    """Up to ``size`` bytes: a stream may return less than asked before its end."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = read(min(size, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def parse_payload(body: bytes) -> Answer | dict[str, Any]:
    """The request object, or a 400 for anything else (bad JSON, nesting too deep to parse)."""
    try:
        payload = parse_json(body)
    except ValueError:
        return Answer(HTTPStatus.BAD_REQUEST, "body is not valid JSON (or is nested too deeply)\n")
    if not isinstance(payload, dict) or "media" not in payload:
        return Answer(HTTPStatus.BAD_REQUEST, 'expected {"media": [...], "result_id": "...", "continue": false}\n')
    return payload


class RunService:
    """Renders requests into saved results: one per (scope, result id), kept in ``store``."""

    def __init__(self, renderer: Renderer, store: Store, ttl: float = DEFAULT_TTL, budget: Budget | None = None,
                 lane: Lane | None = None) -> None:
        self.renderer, self.store, self.ttl = renderer, store, ttl
        self.budget = budget or Budget()
        self.lane = lane

    def respond(self, body: Answer | bytes, scope: str | None) -> Answer:
        """The answer to a request body (or to :func:`read_body`'s refusal): heavy requests take
        a slot of the lane, or are told to retry; see :mod:`bai_media.contrib.lanes`."""
        if isinstance(body, Answer):
            return body
        payload = parse_payload(body)
        if isinstance(payload, Answer):
            return payload
        if self.lane is None or not self.lane.heavy(len(body), payload["media"]):
            return self.answer(payload, scope)
        answer = self.lane.run(lambda: self.answer(payload, scope))
        if answer is None:
            return Answer(HTTPStatus.SERVICE_UNAVAILABLE, "busy rendering other large requests; try again shortly\n", retry_after=1)
        return answer

    def answer(self, payload: dict[str, Any], scope: str | None) -> Answer:
        """Render one request; ``scope`` None means the visitor has no session: nothing is saved."""
        raw_id = payload.get("result_id") or "result"
        if not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool):
            return Answer(HTTPStatus.BAD_REQUEST, "result_id must be a string\n")
        result_id = str(raw_id)[:256]
        continuing = payload.get("continue") is True
        fmt = payload.get("format", "media")
        seq = payload.get("seq")
        seq = seq if isinstance(seq, str) and 0 < len(seq) <= 64 else None
        if fmt not in ("media", "backendai"):
            return Answer(HTTPStatus.BAD_REQUEST, 'format must be "media" or "backendai"\n')
        if scope is None:
            if continuing:
                return Answer(HTTPStatus.BAD_REQUEST, "continuing a result needs a session (set SECRET_KEY / enable sessions)\n")
            run = self._start(fmt, result_id)
            self._feed(run, payload["media"])
            return Answer(HTTPStatus.OK, self._whole(run))
        key = f"run:{fmt}:" + hashlib.sha256(f"{scope}\0{result_id}".encode()).hexdigest()
        try:
            with self.store.lock(key):
                replay = self._replay(key, seq) if continuing and seq is not None else None
                if replay is not None:
                    return Answer(HTTPStatus.OK, replay)
                if continuing:
                    saved = self.store.get(key)
                    if saved is None:
                        return Answer(HTTPStatus.CONFLICT, "no saved result to continue (expired, or never started)\n")
                    try:
                        state = json.loads(saved)
                        run = MediaResult.from_state(state) if fmt == "media" else BackendAISession.from_state(state, self.renderer)
                    except ValueError:  # StateError, or bytes that are not JSON
                        return Answer(HTTPStatus.CONFLICT, "the saved result cannot be continued; start it again\n")
                else:
                    run = self._start(fmt, result_id)
                changed = self._feed(run, payload["media"])
                self.store.set(key, json.dumps(run.to_state(html=False), separators=(",", ":")).encode(), self.ttl)
                body = (Markup("").join(self.renderer.wrap(item, changes=True) for item in changed) if continuing
                        else self._whole(run))
                if continuing and seq is not None:  # kept for a retry of this call whose answer was lost
                    self.store.set(f"{key}:last", json.dumps({"seq": seq, "body": str(body)}).encode(), self.ttl)
        except StoreBusy:
            return Answer(HTTPStatus.SERVICE_UNAVAILABLE, "this result is busy with another request; try again\n", retry_after=1)
        return Answer(HTTPStatus.OK, body)

    def _replay(self, key: str, seq: str) -> str | None:
        """The answer already given to call ``seq``: its retry must not apply it twice."""
        last = self.store.get(f"{key}:last")
        try:
            saved = json.loads(last) if last is not None else None
        except ValueError:
            return None
        if isinstance(saved, dict) and saved.get("seq") == seq and isinstance(saved.get("body"), str):
            return str(saved["body"])
        return None

    def _start(self, fmt: str, result_id: str) -> MediaResult | BackendAISession:
        return MediaResult(result_id) if fmt == "media" else BackendAISession(result_id, self.renderer)

    def _whole(self, run: MediaResult | BackendAISession) -> str:
        return run.html(self.renderer) if isinstance(run, MediaResult) else run.__html__()

    def _feed(self, run: MediaResult | BackendAISession, media: Any) -> list[RenderedItem]:
        """Media items into a result; or one Backend.AI result into a run, its status replaced."""
        if isinstance(run, MediaResult):
            return self._render(run, media)
        items, status = backendai.parts(media)
        changed = self._render(run.result, items)
        if status is not None:
            changed += self.renderer.render_into(run.status, [status], run.status.result_id, append=False)
        return changed

    def _render(self, result: MediaResult, media: Any) -> list[RenderedItem]:
        """Append items one by one, stopping with one notice when the budget runs out."""
        if not isinstance(media, list):  # rendered as the renderer's usual error item
            return self._extend(result, media, {})
        items = media
        changed: dict[str, RenderedItem] = {}
        deadline = time.monotonic() + self.budget.seconds
        spent = 0
        for count, raw in enumerate(items):
            if time.monotonic() > deadline or spent > self.budget.output_bytes:
                what = f"{self.budget.seconds:g} s of rendering" if spent <= self.budget.output_bytes else f"{self.budget.output_bytes:,} bytes of output"
                self._extend(result, [invalid(f"{len(items) - count:,} more items not rendered: this request used its budget of {what}")], changed)
                break
            spent += sum(len(str(item.inner if item.append is None else item.append)) for item in self._extend(result, [raw], changed))
        return list(changed.values())

    def _extend(self, result: MediaResult, items: Any, changed: dict[str, RenderedItem]) -> list[RenderedItem]:
        new = self.renderer.render_into(result, items, result.result_id, append=True)
        for item in new:
            if changed.pop(item.element_id, None) is not None:
                item.append = None  # its earlier part in this request is not on the page yet
            changed[item.element_id] = item
        return new

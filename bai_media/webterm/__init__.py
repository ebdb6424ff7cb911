"""A web terminal bridge: browsers speak the original ``BackendAI.Webterm`` protocol to this
server, which opens the terminal on a backend (a Backend.AI session, a Jupyter terminal, or a
local pty) with credentials the browser never sees. Needs the ``terminal`` extra."""

from .backends.base import Backend, BackendError, Channel
from .bridge import Bridge, Limits, PingMerger, Transport
from .protocol import Close, ProtocolError
from .security import Authorize, origin_allowed

__all__ = ["Authorize", "Backend", "BackendError", "Bridge", "Channel", "Close", "Limits", "PingMerger", "ProtocolError",
           "Transport", "origin_allowed"]

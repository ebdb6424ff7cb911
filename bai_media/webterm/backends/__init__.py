"""Terminal backends: each opens a session's terminal as a channel of bytes."""

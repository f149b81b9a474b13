"""Chat's sockets under the shared per-socket limits (relais_shared.socket_guard)."""

from __future__ import annotations

from fastapi import WebSocketDisconnect

from relais_shared.socket_guard import FrameLimits, Overrun, SocketGuard

__all__ = ["FrameLimits", "Overrun", "SocketGuard", "guard_for", "receive"]


async def receive(socket, guard: SocketGuard) -> str | bytes | None:
    """The next frame's data from a live.Socket, measured and paced by `guard` before anything parses it.

    A socket past a limit is told why, then closed (1009 too big, 1008 too fast): it ends like a disconnect.
    """
    message = await socket.websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    try:
        return guard.admit(message)
    except Overrun as overrun:
        await socket.send(overrun.frame)
        await socket.close(overrun.close_code)
        raise WebSocketDisconnect(overrun.close_code) from overrun


def guard_for(settings) -> SocketGuard:
    """A new socket's guard, from the chat settings."""
    return SocketGuard(FrameLimits(settings.ws_max_frame_bytes, settings.ws_frames_burst,
                                   settings.ws_frames_per_second, settings.ws_typing_every_seconds))

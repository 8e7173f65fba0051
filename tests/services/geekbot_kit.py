"""What the Geekbot notifier tests share: a standup spec, a notifier on the fake, call lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rolebot.errors import ServiceError
from rolebot.models import StandupSpec
from rolebot.redaction import Secret
from rolebot.services.geekbot import GeekbotNotifier
from tests.conftest import Sleeps
from tests.fakes.geekbot import DEMO_KEY, DEMO_OWNER
from tests.fakes.server import Recorder, mock_transport

BRUNO, ADA, DANA = "U05BRU5678", "U05ADA1234", "U05DAN3456"
API = "https://api.geekbot.com"
OTHER_KEY = "api_0ada0okafor0personal0key000000"
NAME = "SupportTriagerStandup"


def spec(
    participants: tuple[str, ...] = (BRUNO, DEMO_OWNER),
    question: str = "Hi Bruno! :wave: It is your turn as Support Triager. Your buddy is Ada &amp; co.",
    **changes: Any,
) -> StandupSpec:
    fields: dict[str, Any] = {
        "name": NAME,
        "channel": "#support-freshdesk",
        "days": ("Wed",),
        "time": "10:00:00",
        "timezone": "user_local",
        "wait_time": 10,
        "question": question,
        "participants": participants,
        **changes,
    }
    return StandupSpec(**fields)


Connect = Callable[..., GeekbotNotifier]


def connector(recorder: Recorder, sleeps: Sleeps, log: list[str]) -> Connect:
    """`make(api_url=..., key=..., handler=...)`: a notifier on the fake, over httpx.MockTransport."""

    def make(api_url: str = API, key: str = DEMO_KEY, handler: Any = None) -> GeekbotNotifier:
        transport = mock_transport(handler or recorder)
        return GeekbotNotifier.connect(api_url, Secret(key), sleep=sleeps, log=log.append, transport=transport)

    return make


def calls(recorder: Recorder, method: str | None = None) -> list[str]:
    return [f"{r.method} {r.path}" for r in recorder.requests if method is None or r.method == method]


def expect(recorder: Recorder, *requests: tuple[str, str, int | None]) -> None:
    """The requests (method, path, times) this test must make, and no other: checked when it ends."""
    for method, path, times in requests:
        recorder.expect(method, path, times)
    recorder.expect_nothing_else()


def failure(action: Callable[[], object], *, key: str = DEMO_KEY) -> str:
    """The one-line error an action ends with; it never contains the API key."""
    with pytest.raises(ServiceError) as caught:
        action()
    text = str(caught.value)
    assert key not in text
    assert "\n" not in text
    assert text.startswith("Geekbot: ")
    return text

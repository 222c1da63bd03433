"""Ctrl-C in long commands: notice it even where a layer below catches it, stop with 130.

Base layer (imports nothing from data, analysis or reporting). A command wraps its work
in :meth:`Interrupt.watch`; afterwards ``interrupt.hit`` tells whether the user pressed
Ctrl-C, also when the notebook engine caught the KeyboardInterrupt and recorded it as a
failed cell. The command then raises :class:`Interrupted` with one line saying what
finished; the CLI prints that line and exits with :data:`EXIT_INTERRUPTED`.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

#: Exit code of an interrupted command (128 + SIGINT), as shells use it.
EXIT_INTERRUPTED = 130


class Interrupted(Exception):  # noqa: N818 - it is an event, not an error
    """The user pressed Ctrl-C; the message says what finished and how to resume."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class Interrupt:
    """Remember a Ctrl-C (SIGINT) that happens inside :meth:`watch`."""

    def __init__(self) -> None:
        self.hit = False
        self._previous: Any = None

    def _handler(self, signum: int, frame: Any) -> None:
        self.hit = True
        # a second Ctrl-C while the command cleans up interrupts at once
        signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def watch(self) -> Iterator[Interrupt]:
        """Install the handler (main thread only); swallow what the interrupt caused.

        After a Ctrl-C, any exception from the block (the KeyboardInterrupt itself, or a
        "report failed" that a lower layer made of it) is swallowed and ``hit`` is True.
        Without a Ctrl-C, exceptions pass through unchanged.
        """
        main = threading.current_thread() is threading.main_thread()
        if main:
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handler)
        try:
            yield self
        except KeyboardInterrupt:
            self.hit = True
        except Exception:
            if not self.hit:
                raise
        finally:
            if main:
                signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)

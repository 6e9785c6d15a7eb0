"""Work around a reference-count bug in PySide6 6.12 on CPython 3.11.

PySide6/shiboken6 6.12 return `None` from void C++ methods without taking a reference to it
(harmless from CPython 3.12, where None is immortal). On 3.11 every such call (`setText`,
`update`, `drawText` ...) takes one reference away from None; after a few thousand calls None's
count reaches zero and the interpreter aborts with "none_dealloc: deallocating None".

`guard()` detects the leak at run time and, only when it is present, gives None a reference
count so large that it can never run out (in effect the immortality CPython 3.12 gives it).
The real fix is a PySide6 without the bug or Python >= 3.12; this keeps the app alive until then.
"""

from __future__ import annotations

import ctypes
import logging
import platform
import sys

log = logging.getLogger(__name__)

_done = False


def _leaks_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")
    return sys.getrefcount(None) <= before - 32


def guard() -> None:
    """Make None unkillable if this PySide6 leaks references to it (idempotent)."""
    global _done
    if _done:
        return
    _done = True
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return
    if not _leaks_none():
        return
    # ob_refcnt is the first field of every CPython object.
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 48
    log.warning(
        "PySide6 leaks references to None on Python %s; applied the refcount guard.",
        platform.python_version(),
    )

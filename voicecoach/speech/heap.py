"""Memory a Whisper decode frees goes back to the system (glibc only; a no-op elsewhere).

A decode allocates tens of MB of buffers and frees them; glibc keeps freed heap memory for
reuse and raises its mmap threshold as big blocks are freed, so a process that decoded once
stays that much larger. Both the app's transcriber and the look-ahead child fix the threshold
before the model loads (`tune_malloc`) and trim the heap after each decode (`trim_heap`).
Measured by `bench/memory.py` (docs/decisions/transcription.md, "Memory").
"""

from __future__ import annotations

import ctypes
import functools
from typing import Any

# malloc's mmap threshold: blocks this large are mapped on their own and unmapped
# when freed (glibc would otherwise raise the threshold up to 32 MB as big blocks are freed, and
# keep a decode's buffers in the heap). 4 MB: ~55 MB lower peak, CPU per decode the same within
# the noise (9 stretches, interleaved runs: 22.4 s vs 21.7 s, 27.1 s vs 28.9 s); 256 kB: another
# ~20 MB off but 60% more CPU in page faults (docs/decisions/transcription.md).
MMAP_THRESHOLD_BYTES = 4 * 1024 * 1024
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number (malloc.h)


@functools.cache
def _glibc() -> Any:
    """The C library this process runs on, if it is glibc (`mallopt`, `malloc_trim`)."""
    try:
        libc = ctypes.CDLL(None)  # the symbols already loaded: no search, no subprocess
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def tune_malloc() -> None:
    """Fix malloc's mmap threshold (MMAP_THRESHOLD_BYTES); call before the model loads.
    Nothing happens on a C library other than glibc."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def trim_heap() -> None:
    """Give the heap's free memory back to the system (glibc `malloc_trim`; ~10 ms after a
    decode). Nothing happens on a C library other than glibc."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)

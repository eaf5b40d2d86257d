"""Give freed memory back to the system between chunks of work.

pandas, pyarrow and Great Expectations free their objects, but glibc keeps the freed pages in its heap,
so a long run's resident memory climbs with every chunk (measured: ~115 MB a 250,000-row chunk).
Collecting cycles and trimming the heap after each chunk keeps it flat."""

import ctypes
import gc

import pyarrow as pa

try:
    _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
except (OSError, AttributeError):  # not glibc: nothing to trim
    _malloc_trim = None


# below this many rows there is little to give back, and a full collection costs ~0.25 s once Great
# Expectations is imported: a small refresh would spend more time collecting than working
WORTH_RELEASING_ROWS = 50_000


def release_memory(rows: int) -> None:
    """After a chunk of `rows` rows: collect and trim, if the chunk was large enough to matter."""
    if rows < WORTH_RELEASING_ROWS:
        return
    gc.collect()
    pa.default_memory_pool().release_unused()  # Arrow keeps freed buffers for reuse otherwise
    if _malloc_trim:
        _malloc_trim(0)

// collector/base/huge_heap.hpp: for one-shot commands that fill the heap
// with one big parse (`parse` of a saved reply, `summary` of live routers):
// grow the heap once, by about what the parse will use, and back it with
// transparent huge pages (madvise; THP is "madvise" on Debian). On this VM
// a 4 KiB page fault costs ~1.4 us (32 MB: 11.4 ms) against 3.9 ms for the
// same 32 MB in 2 MiB pages; `parse` of a 10,000-peer reply took 6,670
// faults (issue 17). Not for the daemon: it keeps its heap small between
// polls (malloc_trim), which huge pages would defeat.
#pragma once

#include <cstddef>

namespace bgpwatch::collector {

// Best effort, never fails: without THP, with another allocator (ASan) or
// when the heap cannot grow in place, it changes nothing but malloc's
// thresholds (no mmap per large block, no trim: the process is short-lived).
void reserve_huge_heap(std::size_t bytes) noexcept;

} // namespace bgpwatch::collector

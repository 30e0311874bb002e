// collector/base/huge_heap.cpp: see huge_heap.hpp.
#include "collector/base/huge_heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace bgpwatch::collector {

void reserve_huge_heap(std::size_t bytes) noexcept
{
  constexpr std::uintptr_t k_huge = 2u << 20;
  // Below a few huge pages the zeroing of whole 2 MiB pages costs more
  // than the faults it saves.
  if (bytes < 4 * k_huge) {
    return;
  }
  // glibc's largest mmap threshold (32 MiB on 64-bit): blocks up to it come
  // from the heap, which is what gets the huge pages; and no trim, which
  // would give them back mid-parse.
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  ::mallopt(M_TOP_PAD, static_cast<int>(std::min<std::size_t>(bytes, 1u << 30)));
  auto* const before = static_cast<char*>(::sbrk(0));
  // One block bigger than any free space at start-up grows the heap by it
  // plus the top pad; freed, it stays as the top chunk (no trim).
  // (The volatile store keeps the compiler from eliding the pair.)
  void* grow = std::malloc(16u << 20);
  if (grow == nullptr) {
    return;
  }
  *static_cast<volatile char*>(grow) = 0;
  std::free(grow);
  auto* const after = static_cast<char*>(::sbrk(0));
  if (before == reinterpret_cast<char*>(-1) || after <= before) {
    return; // another allocator, or the heap could not grow in place
  }
  const auto start = (reinterpret_cast<std::uintptr_t>(before) + k_huge - 1) & ~(k_huge - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(after) & ~(k_huge - 1);
  if (end > start) {
    (void)::madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  }
}

} // namespace bgpwatch::collector

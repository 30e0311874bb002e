// collector/base/input_bytes.hpp: a saved input's bytes for `bgpwatch parse`,
// mapped rather than copied when it is a regular file (issue 2: on a
// 7 MB Junos reply, read() into a string costs more than the parser).
#pragma once

#include "bgp/expected.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace bgpwatch::collector {

// Reads a whole file ("-" = stdin) of at most `max_bytes`. Errors name the
// path and the reason ("FILE: No such file or directory", "FILE: larger
// than 67108864 bytes").
Expected<std::string, std::string> read_input_file(const std::string& path, std::size_t max_bytes);


// Either a read-only mapping of a whole regular file or, for stdin, pipes,
// empty files and anything mmap refuses, the bytes read into a string.
// Move-only: it owns the mapping.
class InputBytes
{
public:
  explicit InputBytes(std::string data);
  InputBytes(const void* map, std::size_t size);
  InputBytes(InputBytes&& other) noexcept;
  InputBytes& operator=(InputBytes&& other) noexcept;
  InputBytes(const InputBytes&) = delete;
  InputBytes& operator=(const InputBytes&) = delete;
  ~InputBytes();

  std::string_view view() const noexcept;

private:
  std::string m_data;
  const void* m_map = nullptr;
  std::size_t m_map_size = 0;
};

// read_input_file's contract (same errors, same "-" = stdin, same limit),
// but a regular non-empty file is mapped (MAP_POPULATE: the page cache's
// pages, no copy, no fault per page). The file must not shrink while it
// is parsed: a saved reply being truncated under us would be SIGBUS.
Expected<InputBytes, std::string> map_input_file(const std::string& path, std::size_t max_bytes);

} // namespace bgpwatch::collector

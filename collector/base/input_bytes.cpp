// collector/base/input_bytes.cpp: saved inputs mapped or read (see .hpp).
#include "collector/base/input_bytes.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <utility>

namespace bgpwatch::collector {

namespace {

// Reads `fd` to EOF into one string. `size_hint` (a regular file's size)
// is reserved up front, so the usual case is one allocation and one read()
// straight into the result: no 64 KiB staging buffer, no geometric regrowth
// copying a 7 MB reply several times (issue 2: bgpwatch parse end to end).
// The loop still runs to EOF, since a file can grow while it is read; stdin
// and other unsized inputs are read in 1 MiB blocks.
Expected<std::string, std::string> read_fd(int fd, const std::string& name, std::size_t max_bytes,
                                           std::size_t size_hint)
{
  constexpr std::size_t k_block = std::size_t{1} << 20;
  std::string data;
  // +1: room for the read() that returns 0 at EOF without regrowing.
  data.reserve(size_hint > 0 ? size_hint + 1 : k_block);
  for (;;) {
    const std::size_t used = data.size();
    if (data.capacity() == used) {
      data.reserve(std::max(used * 2, used + k_block));
    }
    const std::size_t want = data.capacity() - used;
    data.resize(used + want);
    const ssize_t n = ::read(fd, data.data() + used, want);
    if (n < 0) {
      data.resize(used);
      if (errno == EINTR) {
        continue;
      }
      return Unexpected(name + ": read error");
    }
    data.resize(used + static_cast<std::size_t>(n));
    if (data.size() > max_bytes) {
      return Unexpected(name + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    if (n == 0) {
      return data;
    }
  }
}

} // namespace

Expected<std::string, std::string> read_input_file(const std::string& path, std::size_t max_bytes)
{
  if (path == "-") {
    return read_fd(STDIN_FILENO, "<stdin>", max_bytes, 0);
  }
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    return Unexpected(path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Unexpected(path + ": is a directory");
  }
  // Refuse before reading: a 100 MB file is an error, not 100 MB of RAM.
  if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return Unexpected(path + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Unexpected(path + ": " + std::strerror(errno));
  }
  const std::size_t size_hint = S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0;
  auto data = read_fd(fd, path, max_bytes, size_hint);
  ::close(fd);
  return data;
}


InputBytes::InputBytes(std::string data) : m_data(std::move(data))
{
}

InputBytes::InputBytes(const void* map, std::size_t size) : m_map(map), m_map_size(size)
{
}

InputBytes::InputBytes(InputBytes&& other) noexcept
  : m_data(std::move(other.m_data)),
    m_map(std::exchange(other.m_map, nullptr)),
    m_map_size(std::exchange(other.m_map_size, 0))
{
}

InputBytes& InputBytes::operator=(InputBytes&& other) noexcept
{
  if (this != &other) {
    if (m_map != nullptr) {
      ::munmap(const_cast<void*>(m_map), m_map_size);
    }
    m_data = std::move(other.m_data);
    m_map = std::exchange(other.m_map, nullptr);
    m_map_size = std::exchange(other.m_map_size, 0);
  }
  return *this;
}

InputBytes::~InputBytes()
{
  if (m_map != nullptr) {
    ::munmap(const_cast<void*>(m_map), m_map_size);
  }
}

std::string_view InputBytes::view() const noexcept
{
  if (m_map != nullptr) {
    return {static_cast<const char*>(m_map), m_map_size};
  }
  return m_data;
}

Expected<InputBytes, std::string> map_input_file(const std::string& path, std::size_t max_bytes)
{
  struct stat st{};
  // Only a plain, non-empty regular file within the limit is mapped; every
  // other case (stdin, errors, the size limit) is read_input_file's, so the
  // messages stay its own.
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0
      || static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    auto data = read_input_file(path, max_bytes);
    if (!data) {
      return Unexpected(std::move(data).error());
    }
    return InputBytes(std::move(*data));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Unexpected(path + ": " + std::strerror(errno));
  }
  // The size of the file now open, not of the path stat()ed above.
  struct stat opened{};
  void* map = MAP_FAILED;
  std::size_t size = 0;
  if (::fstat(fd, &opened) == 0 && S_ISREG(opened.st_mode) && opened.st_size > 0
      && static_cast<std::uint64_t>(opened.st_size) <= max_bytes) {
    size = static_cast<std::size_t>(opened.st_size);
    map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  }
  ::close(fd);
  if (map == MAP_FAILED) {
    auto data = read_input_file(path, max_bytes);
    if (!data) {
      return Unexpected(std::move(data).error());
    }
    return InputBytes(std::move(*data));
  }
  return InputBytes(map, size);
}

} // namespace bgpwatch::collector

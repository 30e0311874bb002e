// collector/input_bytes.cpp: saved inputs mapped or read (see .hpp).
#include "collector/input_bytes.hpp"

#include "collector/replay_source.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

namespace bgpwatch::collector {

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

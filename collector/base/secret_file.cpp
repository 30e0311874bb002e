// collector/base/secret_file.cpp: see secret_file.hpp.
#include "collector/base/secret_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bgpwatch::collector {

namespace {

std::string octal_mode(mode_t mode)
{
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string named(const std::string& path, std::string_view what)
{
  return std::string(what) + " " + path;
}

// Opens `path` for reading and checks it is a regular file. The mode is
// checked on the open descriptor, so it is the file that is then read.
Expected<int, std::string> open_regular(const std::string& path, std::string_view what)
{
  if (path.empty()) {
    return Unexpected(std::string(what) + " is empty (a file name is needed)");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return Unexpected(named(path, what) + " does not exist");
    }
    return Unexpected(named(path, what) + " cannot be read: " + std::strerror(err));
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Unexpected(named(path, what) + " is not a regular file");
  }
  return fd;
}

Expected<std::string, std::string> read_all(int fd, const std::string& path, std::string_view what,
                                            std::size_t max_bytes)
{
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Unexpected(named(path, what) + " cannot be read: " + std::strerror(err));
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return Unexpected(named(path, what) + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return out;
}

Expected<int, std::string> open_secret(const std::string& path, std::string_view what)
{
  auto opened = open_regular(path, what);
  if (!opened) {
    return Unexpected(opened.error());
  }
  const int fd = *opened;
  struct stat st{};
  ::fstat(fd, &st);
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Unexpected(named(path, what) + " is accessible by group/others (mode " + octal_mode(st.st_mode)
                      + "): run chmod 600 " + path);
  }
  return fd;
}

} // namespace

Expected<void, std::string> check_secret_file(const std::string& path, std::string_view what)
{
  auto opened = open_secret(path, what);
  if (!opened) {
    return Unexpected(opened.error());
  }
  const int fd = *opened;
  // Readable by mode is not readable: a read of one byte says.
  char c = 0;
  const ssize_t n = ::read(fd, &c, 1);
  const int err = errno;
  ::close(fd);
  if (n < 0) {
    return Unexpected(named(path, what) + " cannot be read: " + std::strerror(err));
  }
  if (n == 0) {
    return Unexpected(named(path, what) + " is empty");
  }
  return {};
}

Expected<std::string, std::string> read_secret_file(const std::string& path, std::string_view what)
{
  auto opened = open_secret(path, what);
  if (!opened) {
    return Unexpected(opened.error());
  }
  auto read = read_all(*opened, path, what, 1u << 20);
  if (!read) {
    return Unexpected(read.error());
  }
  const std::string& text = *read;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return Unexpected(named(path, what) + " is empty");
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Expected<void, std::string> check_readable_file(const std::string& path, std::string_view what)
{
  auto opened = open_regular(path, what);
  if (!opened) {
    return Unexpected(opened.error());
  }
  ::close(*opened);
  return {};
}

Expected<std::string, std::string> read_readable_file(const std::string& path, std::string_view what)
{
  auto opened = open_regular(path, what);
  if (!opened) {
    return Unexpected(opened.error());
  }
  return read_all(*opened, path, what, 16u << 20);
}

} // namespace bgpwatch::collector

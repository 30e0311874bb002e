// netconf/framing.hpp: RFC 6242 message framing, pure (bytes in, messages
// out). Two framings: end-of-message (base:1.0, "]]>]]>") and chunked
// (base:1.1, "\n#<len>\n...\n##\n"). No I/O here: the transport feeds bytes,
// the session takes whole messages, so every framing rule is tested on
// in-memory buffers.
#pragma once

#include "bgp/expected.hpp"
#include "netconf/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bgpwatch::netconf {

enum class Framing : std::uint8_t {
  eom,     // RFC 6242 4.3: base:1.0, message ends with "]]>]]>"
  chunked, // RFC 6242 4.2: base:1.1, chunks "\n#<len>\n<data>" ended by "\n##\n"
};
std::string_view to_string(Framing framing) noexcept; // "eom" / "chunked"

inline constexpr std::string_view k_eom_marker = "]]>]]>";
// RFC 6242 4.2: chunk-size is 1..4294967295, at most 10 digits.
inline constexpr std::uint64_t k_max_chunk_size = 4294967295u;
inline constexpr std::size_t k_max_chunk_digits = 10;

// One framed message, ready to write.
std::string frame_message(Framing framing, std::string_view message);

// Reassembles messages from a byte stream. feed() bytes as they arrive;
// next() returns a complete message, nullopt when more bytes are needed,
// or an error (framing violation, message over max_message_bytes). After
// an error the stream is unusable: the session must be dropped.
class Deframer
{
public:
  explicit Deframer(Framing framing, std::uint64_t max_message_bytes);

  // Switch framing after the hello exchange (RFC 6242 4.1: both hellos
  // are EOM-framed; chunked starts with the first message after them).
  void set_framing(Framing framing) noexcept
  {
    m_framing = framing;
  }
  Framing framing() const noexcept
  {
    return m_framing;
  }

  void feed(std::string_view bytes);
  Expected<std::optional<std::string>, NetconfError> next();

  // True when no byte of an unfinished message is buffered (whitespace
  // between messages does not count). At EOF this tells a clean close
  // from a message cut short.
  bool at_boundary() const noexcept;
  // Bytes of the current, unfinished message (for "closed after N bytes").
  std::uint64_t pending_bytes() const noexcept;

private:
  Expected<std::optional<std::string>, NetconfError> next_eom();
  Expected<std::optional<std::string>, NetconfError> next_chunked();
  void compact();
  void drop_prefix(std::size_t n);
  std::string take_message(std::size_t begin, std::size_t end, std::size_t next);
  std::uint64_t message_bytes() const noexcept
  {
    return m_in_message ? m_msg_end - m_msg_begin : 0;
  }

  // Replies are large (~1.5 MB for 2,000 Junos peers) and arrive in small
  // reads, so bytes are copied once, into m_buf, and a message that starts
  // at m_buf[0] leaves as m_buf itself: no copy out, and the next message
  // reserves the last one's size instead of growing by doubling.
  Framing m_framing;
  std::uint64_t m_max;
  std::string m_buf;
  std::size_t m_pos = 0;          // consumed prefix of m_buf
  std::size_t m_eom_scan = 0;     // EOM: where the marker search resumes
  std::size_t m_msg_begin = 0;    // chunked: the message's data so far is
  std::size_t m_msg_end = 0;      //   m_buf[m_msg_begin, m_msg_end), moved down over the chunk headers
  bool m_in_message = false;      // chunked: at least one chunk seen
  std::uint64_t m_chunk_left = 0; // chunked: data bytes still due in this chunk
  std::size_t m_last_size = 0;    // the last message's size: capacity hint
};

} // namespace bgpwatch::netconf

// netconf/framing.cpp: RFC 6242 EOM and chunked framing over byte buffers.
#include "netconf/framing.hpp"

#include <algorithm>
#include <cstring>

namespace bgpwatch::netconf {

namespace {

bool is_xml_space(char c) noexcept
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Bytes quoted for an error message: printable ASCII as is, the rest as \n,
// \xNN; at most 24 bytes so garbage never floods a log line.
std::string quote_bytes(std::string_view bytes)
{
  std::string out = "'";
  std::size_t n = 0;
  for (char c : bytes) {
    if (++n > 24) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (u >= 0x20 && u < 0x7f && c != '\'') {
      out += c;
    } else {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[u >> 4];
      out += k_hex[u & 0xf];
    }
  }
  return out + "'";
}

Unexpected<NetconfError> framing_error(std::string message)
{
  return Unexpected(NetconfError{NetconfErrc::framing, std::move(message)});
}

Unexpected<NetconfError> too_large(std::uint64_t max)
{
  return Unexpected(NetconfError{NetconfErrc::reply_too_large,
                                 "message larger than the limit of " + std::to_string(max) + " bytes"});
}

} // namespace

std::string_view to_string(Framing framing) noexcept
{
  return framing == Framing::eom ? "eom" : "chunked";
}

std::string frame_message(Framing framing, std::string_view message)
{
  std::string out;
  if (framing == Framing::eom) {
    out.reserve(message.size() + k_eom_marker.size());
    out.append(message);
    out.append(k_eom_marker);
    return out;
  }
  // RFC 6242 4.2: one chunk is enough for our messages; an empty message
  // still needs one chunk (chunk-size >= 1), so it gets a single space.
  const std::string_view body = message.empty() ? std::string_view(" ") : message;
  out.reserve(body.size() + 24);
  out.append("\n#").append(std::to_string(body.size())).append("\n");
  out.append(body);
  out.append("\n##\n");
  return out;
}

Deframer::Deframer(Framing framing, std::uint64_t max_message_bytes)
  : m_framing(framing), m_max(max_message_bytes)
{
}

void Deframer::feed(std::string_view bytes)
{
  compact();
  if (m_buf.capacity() - m_buf.size() < bytes.size() && m_buf.size() < m_last_size) {
    // Most likely the next reply is about as large as the last one.
    m_buf.reserve(m_last_size + m_last_size / 16 + bytes.size());
  }
  m_buf.append(bytes);
}

void Deframer::compact()
{
  // Drop what no message needs any more: all of it when everything was
  // consumed, the prefix when what is left is small (at most once per
  // message, and it puts the next message at m_buf[0]), or when the
  // prefix is over half the buffer, so feed() stays amortised O(n).
  const std::size_t live = m_in_message ? m_msg_begin : m_pos;
  if (live == 0) {
    return;
  }
  const std::size_t rest = m_buf.size() - live;
  if (rest <= 65536 || (live > 65536 && live > rest)) {
    drop_prefix(live);
  }
}

void Deframer::drop_prefix(std::size_t n)
{
  m_buf.erase(0, n);
  m_pos -= n;
  m_eom_scan -= std::min(m_eom_scan, n);
  if (m_in_message) {
    m_msg_begin -= n;
    m_msg_end -= n;
  }
}

std::string Deframer::take_message(std::size_t begin, std::size_t end, std::size_t next)
{
  std::string message;
  if (begin == 0) {
    // Hand the buffer over; only the bytes after the message are copied.
    message.swap(m_buf);
    m_buf.assign(message, next);
    message.resize(end);
    m_pos = 0;
  } else {
    message.assign(m_buf, begin, end - begin);
    m_pos = next;
  }
  m_eom_scan = m_pos;
  m_last_size = message.size();
  return message;
}

bool Deframer::at_boundary() const noexcept
{
  if (m_framing == Framing::chunked && (m_in_message || m_chunk_left > 0)) {
    return false;
  }
  return std::all_of(m_buf.begin() + static_cast<std::ptrdiff_t>(m_pos), m_buf.end(), is_xml_space);
}

std::uint64_t Deframer::pending_bytes() const noexcept
{
  return message_bytes() + (m_buf.size() - m_pos);
}

Expected<std::optional<std::string>, NetconfError> Deframer::next()
{
  return m_framing == Framing::eom ? next_eom() : next_chunked();
}

Expected<std::optional<std::string>, NetconfError> Deframer::next_eom()
{
  // Whitespace after "]]>]]>" (Junos sends a newline) belongs to no message:
  // skip it rather than let it start the next one.
  while (m_pos < m_buf.size() && is_xml_space(m_buf[m_pos])) {
    ++m_pos;
  }
  const std::size_t from = std::max(m_pos, m_eom_scan);
  const std::size_t at = m_buf.find(k_eom_marker, from);
  if (at == std::string::npos) {
    // Resume the search where a marker could still start.
    const std::size_t keep = k_eom_marker.size() - 1;
    m_eom_scan = m_buf.size() > keep ? std::max(m_pos, m_buf.size() - keep) : m_pos;
    if (m_buf.size() - m_pos > m_max + k_eom_marker.size()) {
      return too_large(m_max);
    }
    return std::optional<std::string>{};
  }
  if (at - m_pos > m_max) {
    return too_large(m_max);
  }
  return std::optional<std::string>{take_message(m_pos, at, at + k_eom_marker.size())};
}

Expected<std::optional<std::string>, NetconfError> Deframer::next_chunked()
{
  for (;;) {
    if (m_chunk_left > 0) {
      const std::size_t avail = m_buf.size() - m_pos;
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(m_chunk_left, avail));
      if (m_msg_end != m_pos) {
        // Close the gap a chunk header left, while the bytes are fresh.
        std::memmove(m_buf.data() + m_msg_end, m_buf.data() + m_pos, take);
      }
      m_msg_end += take;
      m_pos += take;
      m_chunk_left -= take;
      if (m_chunk_left > 0) {
        return std::optional<std::string>{};
      }
    }
    // A chunk header or the end-of-chunks marker: "\n#<digits>\n" / "\n##\n".
    std::size_t p = m_pos;
    if (!m_in_message) {
      // Between messages, tolerate whitespace (a peer that ended its EOM
      // hello with "]]>]]>\n" before switching to chunks).
      while (p < m_buf.size() && is_xml_space(m_buf[p])) {
        if (m_buf[p] == '\n' && (p + 1 == m_buf.size() || m_buf[p + 1] == '#')) {
          break;
        }
        ++p;
      }
      m_pos = p;
    }
    if (m_buf.size() - p < 2) {
      if (m_buf.size() - p == 1 && m_buf[p] != '\n') {
        return framing_error("bad chunk header " + quote_bytes(std::string_view(m_buf).substr(p))
                             + ": RFC 6242 4.2 wants \"\\n#<size>\\n\"");
      }
      return std::optional<std::string>{};
    }
    if (m_buf[p] != '\n' || m_buf[p + 1] != '#') {
      return framing_error("bad chunk header " + quote_bytes(std::string_view(m_buf).substr(p))
                           + ": RFC 6242 4.2 wants \"\\n#<size>\\n\"");
    }
    p += 2;
    if (p >= m_buf.size()) {
      return std::optional<std::string>{};
    }
    if (m_buf[p] == '#') {
      // End of chunks: "\n##\n".
      if (p + 1 >= m_buf.size()) {
        return std::optional<std::string>{};
      }
      if (m_buf[p + 1] != '\n') {
        return framing_error("bad end-of-chunks marker " + quote_bytes(std::string_view(m_buf).substr(m_pos))
                             + ": RFC 6242 4.2 wants \"\\n##\\n\"");
      }
      if (!m_in_message) {
        return framing_error("end-of-chunks marker with no chunk before it (RFC 6242 4.2)");
      }
      m_in_message = false;
      return std::optional<std::string>{take_message(m_msg_begin, m_msg_end, p + 2)};
    }
    // chunk-size = [1-9][0-9]{0,9}, then LF.
    std::uint64_t size = 0;
    std::size_t digits = 0;
    std::size_t q = p;
    for (; q < m_buf.size() && m_buf[q] != '\n'; ++q) {
      const char c = m_buf[q];
      if (c < '0' || c > '9' || (digits == 0 && c == '0') || digits == k_max_chunk_digits) {
        return framing_error("bad chunk header " + quote_bytes(std::string_view(m_buf).substr(m_pos))
                             + ": RFC 6242 4.2 wants a chunk size of 1..4294967295");
      }
      size = size * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
    }
    if (q >= m_buf.size()) {
      return std::optional<std::string>{}; // header not complete yet
    }
    if (digits == 0 || size > k_max_chunk_size) {
      return framing_error("bad chunk header " + quote_bytes(std::string_view(m_buf).substr(m_pos))
                           + ": RFC 6242 4.2 wants a chunk size of 1..4294967295");
    }
    if (message_bytes() + size > m_max) {
      return too_large(m_max);
    }
    m_pos = q + 1;
    m_chunk_left = size;
    if (!m_in_message) {
      m_msg_begin = m_pos;
      m_msg_end = m_pos;
      m_in_message = true;
    }
  }
}

} // namespace bgpwatch::netconf

// bgp/byte_reader.hpp: the one way bgpwatch reads binary protocol data.
//
// A bounded cursor over std::span<const std::uint8_t>. Every read checks
// what is left first and returns Expected: nothing in the wire decoders or
// the reassembler indexes a buffer by hand (OpenBGPD ibuf_get_n8/_n16/_n32,
// ccache's CacheEntryDataReader, libtins InputMemoryStream). sub(n) cuts out
// a length-prefixed field as its own reader, so one field's parser cannot
// overrun the next (OpenBGPD ibuf_get_ibuf).
#pragma once

#include "bgp/expected.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace bgpwatch::bgp {

// What a failed read wanted and what there was. The decoders translate it
// into the DecodeError (and NOTIFICATION) their field calls for.
struct ShortRead
{
  std::size_t wanted = 0;
  std::size_t left = 0;
};

class ByteReader
{
public:
  using Bytes = std::span<const std::uint8_t>;

  constexpr explicit ByteReader(Bytes data) noexcept : m_data(data)
  {
  }

  constexpr std::size_t size() const noexcept
  {
    return m_data.size();
  }
  constexpr bool empty() const noexcept
  {
    return m_data.empty();
  }
  // Bytes consumed so far from the span this reader was built on.
  constexpr std::size_t consumed() const noexcept
  {
    return m_consumed;
  }
  // What is left, without consuming it.
  constexpr Bytes rest() const noexcept
  {
    return m_data;
  }

  Expected<std::uint8_t, ShortRead> u8() noexcept
  {
    if (m_data.empty()) {
      return Unexpected(ShortRead{1, 0});
    }
    const std::uint8_t v = m_data[0];
    advance(1);
    return v;
  }

  // Network byte order (RFC 4271 §4: all multi-octet fields are big-endian).
  Expected<std::uint16_t, ShortRead> u16be() noexcept
  {
    if (m_data.size() < 2) {
      return Unexpected(ShortRead{2, m_data.size()});
    }
    const auto v = static_cast<std::uint16_t>((m_data[0] << 8) | m_data[1]);
    advance(2);
    return v;
  }

  // 24-bit big-endian (LLGR stale time, RFC 9494 §3).
  Expected<std::uint32_t, ShortRead> u24be() noexcept
  {
    if (m_data.size() < 3) {
      return Unexpected(ShortRead{3, m_data.size()});
    }
    const std::uint32_t v = (std::uint32_t{m_data[0]} << 16) | (std::uint32_t{m_data[1]} << 8)
                            | std::uint32_t{m_data[2]};
    advance(3);
    return v;
  }

  Expected<std::uint32_t, ShortRead> u32be() noexcept
  {
    if (m_data.size() < 4) {
      return Unexpected(ShortRead{4, m_data.size()});
    }
    const std::uint32_t v = (std::uint32_t{m_data[0]} << 24) | (std::uint32_t{m_data[1]} << 16)
                            | (std::uint32_t{m_data[2]} << 8) | std::uint32_t{m_data[3]};
    advance(4);
    return v;
  }

  // The next n bytes as a span (no copy).
  Expected<Bytes, ShortRead> bytes(std::size_t n) noexcept
  {
    if (m_data.size() < n) {
      return Unexpected(ShortRead{n, m_data.size()});
    }
    const Bytes v = m_data.first(n);
    advance(n);
    return v;
  }

  // The next n bytes as a reader of their own.
  Expected<ByteReader, ShortRead> sub(std::size_t n) noexcept
  {
    if (m_data.size() < n) {
      return Unexpected(ShortRead{n, m_data.size()});
    }
    const ByteReader v(m_data.first(n));
    advance(n);
    return v;
  }

  Expected<void, ShortRead> skip(std::size_t n) noexcept
  {
    if (m_data.size() < n) {
      return Unexpected(ShortRead{n, m_data.size()});
    }
    advance(n);
    return {};
  }

private:
  constexpr void advance(std::size_t n) noexcept
  {
    m_data = m_data.subspan(n);
    m_consumed += n;
  }

  Bytes m_data;
  std::size_t m_consumed = 0;
};

} // namespace bgpwatch::bgp

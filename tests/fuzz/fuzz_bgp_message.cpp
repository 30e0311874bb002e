// tests/fuzz/fuzz_bgp_message.cpp: libFuzzer target for decode_message()
// under every decoding context. No assertions beyond the decoder's own
// contract: any input gives a Message or a DecodeError, never a crash, and
// a decoded message's type matches its header.
#include "bgp/wire.hpp"

#include <cstdlib>

using namespace bgpwatch::bgp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0) {
    return 0;
  }
  // First byte picks the context; the rest is the message.
  const std::uint8_t sel = data[0];
  DecodeContext ctx;
  if (sel & 1) {
    ctx.four_octet_as = (sel & 2) != 0;
  }
  if (sel & 4) {
    ctx.add_path = std::vector<AfiSafi>{};
    if (sel & 8) {
      ctx.add_path->push_back(AfiSafi{1, 1});
      ctx.add_path->push_back(AfiSafi{2, 1});
    }
  }
  if (sel & 16) {
    ctx.extended_message = (sel & 32) != 0;
  }
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  const auto m = decode_message(bytes, ctx);
  if (m && static_cast<std::uint8_t>(type_of(*m)) != bytes[18]) {
    std::abort();
  }
  if (!m) {
    (void)m.error().to_string();
  }
  return 0;
}

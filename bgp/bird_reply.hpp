// bgp/bird_reply.hpp: the framing of BIRD's control-socket protocol (the
// DOC block of BIRD's nest/cli.c, codes registered in doc/reply_codes).
// Pure: takes the bytes read from the socket (or birdc's human output) and
// returns lines; nothing here touches a socket.
//
// A reply is a sequence of lines. "CODE-text" starts a line group and says
// more follows; " text" (one leading space) continues the previous code;
// "CODE text" (4 digits, then a space) is the final line of the reply.
// 0xxx: success (final), 1xxx: table entry, 2xxx: table heading, 8xxx:
// run-time error, 9xxx: parse-time (syntax) error. The daemon greets each
// new connection with its own one-line reply "0001 BIRD 1.6.8 ready.".
//
// birdc prints the same text without the codes: a code line loses its
// "CODE-" / "CODE " prefix and a continuation line its first space. Both
// forms are turned into the same BirdLine list, so the parsers above this
// never care which one they got.
#pragma once

#include "bgp/expected.hpp"
#include "bgp/session.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::bgp {

inline constexpr std::size_t k_bird_max_reply_bytes = 16u << 20; // larger -> ParseErrc::too_large

struct BirdLine
{
  // The 4-digit code; continuation lines carry the code of the line they
  // continue. Empty for birdc's human output (no codes on the wire).
  std::optional<int> code;
  bool final = false;     // "CODE text": the last line of the reply
  std::string_view text;  // as birdc would print it (see above)
  std::size_t line = 0;   // 1-based line number in the input, for errors
};

// Where a reply that starts at the beginning of `buffer` ends: the offset
// just past its final line's newline. Empty while the reply is incomplete.
// Used by the socket client to know when to stop reading; it only looks at
// line starts, so garbage is left for split_bird_reply to reject.
std::optional<std::size_t> find_bird_reply_end(std::string_view buffer);

// Splits one reply into lines. Accepts, in order: an optional greeting
// (code 0001, BIRD's "ready." line, as recorded from a fresh connection),
// then exactly one reply that ends with a final line. Errors:
//   too_large  input over k_bird_max_reply_bytes;
//   syntax     a line that is neither "DDDD-", "DDDD " nor " " continued,
//              a continuation before any code, no final line (truncated), or
//              data after the final line;
//   rpc_error  the reply's final line is an 8xxx/9xxx error; detail is
//              "BIRD error 9001: syntax error" (BIRD's own words).
// Input without any code (birdc's output) is returned line by line with
// empty codes; a leading "BIRD x.y.z ready." line is dropped.
Expected<std::vector<BirdLine>, ParseError> split_bird_reply(std::string_view reply);

// Shared by the BIRD parsers: a line quoted for an error message (control
// characters shown as '?', cut after 60 characters), and a ParseError at a line.
std::string quote_bird_line(std::string_view text);
ParseError bird_error_at(ParseErrc code, std::size_t line, std::string detail);

} // namespace bgpwatch::bgp

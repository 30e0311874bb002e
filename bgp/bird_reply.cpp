// bgp/bird_reply.cpp: BIRD control-socket framing (see bird_reply.hpp).
#include "bgp/bird_reply.hpp"

#include <string>

namespace bgpwatch::bgp {

namespace {

// BIRD's doc/reply_codes: 0001 is the greeting, 8xxx run-time errors,
// 9xxx parse errors.
constexpr int k_code_greeting = 1;
constexpr int k_code_first_error = 8000;

bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

// "DDDD" at the start of a line, followed by '-', ' ' or the end of line.
std::optional<int> leading_code(std::string_view line)
{
  if (line.size() < 4) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    if (!is_digit(line[i])) {
      return std::nullopt;
    }
  }
  if (line.size() > 4 && line[4] != '-' && line[4] != ' ') {
    return std::nullopt;
  }
  return (line[0] - '0') * 1000 + (line[1] - '0') * 100 + (line[2] - '0') * 10 + (line[3] - '0');
}

bool is_final_line(std::string_view line)
{
  return leading_code(line).has_value() && (line.size() == 4 || line[4] == ' ');
}


// Splits on '\n' (a trailing '\r' is dropped); a last line without a
// newline still counts.
std::vector<std::string_view> split_lines(std::string_view input)
{
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t nl = input.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? input.size() : nl;
    std::string_view line = input.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    if (nl == std::string_view::npos) {
      break;
    }
    start = nl + 1;
  }
  return lines;
}

bool is_human_greeting(std::string_view line)
{
  return line.starts_with("BIRD ") && line.ends_with(" ready.");
}

} // namespace

std::optional<std::size_t> find_bird_reply_end(std::string_view buffer)
{
  std::size_t start = 0;
  while (start < buffer.size()) {
    const std::size_t nl = buffer.find('\n', start);
    if (nl == std::string_view::npos) {
      return std::nullopt; // the final line is not complete yet
    }
    std::string_view line = buffer.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (is_final_line(line)) {
      return nl + 1;
    }
    start = nl + 1;
  }
  return std::nullopt;
}

Expected<std::vector<BirdLine>, ParseError> split_bird_reply(std::string_view reply)
{
  if (reply.size() > k_bird_max_reply_bytes) {
    return Unexpected(bird_error_at(ParseErrc::too_large, 0,
                               "BIRD reply of " + std::to_string(reply.size()) + " bytes is over the limit of "
                                 + std::to_string(k_bird_max_reply_bytes)));
  }
  const auto lines = split_lines(reply);
  std::vector<BirdLine> out;

  // Codes on the first non-empty line decide between the socket protocol
  // and birdc's human output.
  std::size_t first = 0;
  while (first < lines.size() && lines[first].empty()) {
    ++first;
  }
  if (first == lines.size()) {
    return Unexpected(bird_error_at(ParseErrc::syntax, 0, "empty BIRD reply"));
  }
  if (!leading_code(lines[first])) {
    for (std::size_t i = first; i < lines.size(); ++i) {
      if (i == first && is_human_greeting(lines[i])) {
        continue;
      }
      out.push_back(BirdLine{std::nullopt, false, lines[i], i + 1});
    }
    return out;
  }

  std::optional<int> current;   // the code continuation lines inherit
  bool greeting_allowed = true; // only as the very first line
  bool done = false;
  std::optional<BirdLine> error_line;
  for (std::size_t i = first; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const std::size_t number = i + 1;
    if (done) {
      if (line.empty() && i + 1 == lines.size()) {
        break;
      }
      return Unexpected(bird_error_at(ParseErrc::syntax, number, "data after the final line of the BIRD reply: " + quote_bird_line(line)));
    }
    BirdLine parsed;
    parsed.line = number;
    if (const auto code = leading_code(line)) {
      parsed.code = *code;
      parsed.final = line.size() == 4 || line[4] == ' ';
      parsed.text = line.size() > 5 ? line.substr(5) : std::string_view{};
      current = *code;
    } else if (line.starts_with(' ')) {
      if (!current) {
        return Unexpected(bird_error_at(ParseErrc::syntax, number, "continuation line before any reply code: " + quote_bird_line(line)));
      }
      parsed.code = current;
      parsed.text = line.substr(1);
    } else {
      return Unexpected(bird_error_at(ParseErrc::syntax, number, "not a BIRD reply line (no 4-digit code): " + quote_bird_line(line)));
    }
    if (greeting_allowed && parsed.final && parsed.code == k_code_greeting) {
      greeting_allowed = false;
      current.reset();
      continue; // the greeting is its own reply; the one we want follows
    }
    greeting_allowed = false;
    if (*parsed.code >= k_code_first_error && !error_line) {
      error_line = parsed;
    }
    done = parsed.final;
    out.push_back(parsed);
  }
  if (!done) {
    return Unexpected(bird_error_at(ParseErrc::syntax, lines.size(),
                               "BIRD reply ends without a final line (\"CODE text\"): truncated?"));
  }
  if (error_line) {
    return Unexpected(bird_error_at(ParseErrc::rpc_error, error_line->line,
                               "BIRD error " + std::to_string(*error_line->code) + ": "
                                 + std::string(error_line->text)));
  }
  return out;
}

std::string quote_bird_line(std::string_view text)
{
  constexpr std::size_t k_max_quoted = 60;
  std::string out = "'";
  for (char c : text.substr(0, k_max_quoted)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  if (text.size() > k_max_quoted) {
    out += "...";
  }
  return out + "'";
}

ParseError bird_error_at(ParseErrc code, std::size_t line, std::string detail)
{
  ParseError e;
  e.code = code;
  e.line = line;
  e.detail = std::move(detail);
  return e;
}

} // namespace bgpwatch::bgp

// collector/daemon/metrics.cpp: see metrics.hpp.
#include "collector/daemon/metrics.hpp"

#include "bgp/ranges.hpp"

#include <charconv>
#include <cmath>

namespace bgpwatch::collector {

namespace {

// Suffixes Prometheus/OpenMetrics give meaning to: a gauge may not end in
// them, and a counter's only allowed one is _total.
constexpr std::string_view k_reserved_suffixes[] = {"_total", "_count", "_sum", "_bucket", "_created", "_info"};

bool is_name_start(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c)
{
  return is_name_start(c) || (c >= '0' && c <= '9');
}

std::string escape_help(std::string_view help)
{
  std::string out;
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double v)
{
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  return bgp::format_plain_number(v);
}

} // namespace

bool valid_metric_name(std::string_view name) noexcept
{
  // [a-zA-Z_:][a-zA-Z0-9_:]*; colons are for recording rules, not exporters.
  if (name.empty() || !is_name_start(name.front())) {
    return false;
  }
  for (const char c : name) {
    if (!is_name_char(c)) {
      return false;
    }
  }
  return true;
}

bool valid_label_name(std::string_view name) noexcept
{
  // [a-zA-Z_][a-zA-Z0-9_]*; names starting with __ are reserved.
  return valid_metric_name(name) && !name.starts_with("__");
}

std::string escape_label_value(std::string_view value)
{
  std::string out;
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Expected<MetricsWriter::MetricId, std::string> MetricsWriter::add(std::string_view name, MetricType type,
                                                                  std::string_view help)
{
  const std::string n(name);
  if (!valid_metric_name(name)) {
    return Unexpected("invalid metric name '" + n + "'");
  }
  for (const auto& m : m_metrics) {
    if (m.name == name) {
      return Unexpected("duplicate metric '" + n + "'");
    }
  }
  if (type == MetricType::counter) {
    if (!name.ends_with("_total")) {
      return Unexpected("counter '" + n + "' must end in _total");
    }
  } else {
    for (const auto suffix : k_reserved_suffixes) {
      if (name.ends_with(suffix)) {
        return Unexpected("gauge '" + n + "' uses the reserved suffix " + std::string(suffix));
      }
    }
  }
  if (help.empty()) {
    return Unexpected("metric '" + n + "' needs a help text");
  }
  m_metrics.push_back({n, type, std::string(help), {}});
  return m_metrics.size() - 1;
}

Expected<void, std::string> MetricsWriter::sample(MetricId id, const Labels& labels, double value)
{
  if (id >= m_metrics.size()) {
    return Unexpected(std::string("unregistered metric id"));
  }
  auto& m = m_metrics[id];
  for (const auto& [k, v] : labels) {
    if (!valid_label_name(k)) {
      return Unexpected("metric '" + m.name + "': invalid label name '" + k + "'");
    }
  }
  std::string line;
  append_sample(line, m.name, format_labels(labels), value);
  line.pop_back(); // the newline; render() adds it
  m.samples.push_back(std::move(line));
  return {};
}

std::string MetricsWriter::header(MetricId id) const
{
  const auto& m = m_metrics.at(id);
  return "# HELP " + m.name + " " + escape_help(m.help) + "\n# TYPE " + m.name + " "
         + (m.type == MetricType::counter ? "counter" : "gauge") + "\n";
}

std::string format_labels(const Labels& labels)
{
  if (labels.empty()) {
    return "";
  }
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) {
      out += ',';
    }
    out += k;
    out += "=\"";
    out += escape_label_value(v);
    out += '"';
    first = false;
  }
  out += '}';
  return out;
}

void append_sample(std::string& out, std::string_view name, std::string_view labels, double value)
{
  out += name;
  out += labels;
  out += ' ';
  // Integers (nearly every sample) without going through the double path.
  if (value >= 0 && value < 9.0e15 && value == static_cast<double>(static_cast<std::uint64_t>(value))) {
    char buf[24];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<std::uint64_t>(value));
    out.append(buf, ptr);
  } else {
    out += format_value(value);
  }
  out += '\n';
}

std::string MetricsWriter::render() const
{
  std::string out;
  for (std::size_t id = 0; id < m_metrics.size(); ++id) {
    const auto& m = m_metrics[id];
    out += header(id);
    for (const auto& s : m.samples) {
      out += s + "\n";
    }
  }
  return out;
}

} // namespace bgpwatch::collector

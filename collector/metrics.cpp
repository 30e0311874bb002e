// collector/metrics.cpp: see metrics.hpp.
#include "collector/metrics.hpp"

#include "bgp/ranges.hpp"

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
  std::string line = m.name;
  if (!labels.empty()) {
    line += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!valid_label_name(k)) {
        return Unexpected("metric '" + m.name + "': invalid label name '" + k + "'");
      }
      line += (first ? "" : ",") + k + "=\"" + escape_label_value(v) + "\"";
      first = false;
    }
    line += '}';
  }
  line += ' ' + format_value(value);
  m.samples.push_back(std::move(line));
  return {};
}

std::string MetricsWriter::render() const
{
  std::string out;
  for (const auto& m : m_metrics) {
    out += "# HELP " + m.name + " " + escape_help(m.help) + "\n";
    out += "# TYPE " + m.name + " " + (m.type == MetricType::counter ? "counter" : "gauge") + "\n";
    for (const auto& s : m.samples) {
      out += s + "\n";
    }
  }
  return out;
}

} // namespace bgpwatch::collector

// collector/daemon/metrics.hpp: a Prometheus text-format (0.0.4) writer that
// enforces the rules (OpenBGPD bgpctl ometric.c style): every metric is
// registered once with its type and help; names are checked; counters must
// end in `_total` and nothing else may use a reserved suffix; `# HELP` and
// `# TYPE` are always written; samples carry no timestamps; label values are
// escaped. Pure: builds a string, does no I/O.
#pragma once

#include "bgp/expected.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bgpwatch::collector {

enum class MetricType : std::uint8_t { gauge, counter };

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsWriter
{
public:
  using MetricId = std::size_t;

  // Errors: "duplicate metric 'x'", "invalid metric name 'x'", "counter 'x'
  // must end in _total", "gauge 'x_total' uses the reserved suffix _total".
  Expected<MetricId, std::string> add(std::string_view name, MetricType type, std::string_view help);

  // One sample of a registered metric. A bad label name is an error (the
  // sample is dropped): a programming mistake the tests catch.
  Expected<void, std::string> sample(MetricId id, const Labels& labels, double value);

  // The exposition: metrics in registration order, each with # HELP and
  // # TYPE, then its samples in insertion order.
  std::string render() const;

  // For exporters that keep pre-rendered samples (the collector caches
  // each router's lines between its polls): the "# HELP ...\n# TYPE ...\n"
  // of a registered metric, and the one sample formatter everything uses.
  std::string header(MetricId id) const;
  const std::string& name(MetricId id) const
  {
    return m_metrics.at(id).name;
  }

  static constexpr std::string_view k_content_type = "text/plain; version=0.0.4; charset=utf-8";

private:
  struct Metric
  {
    std::string name;
    MetricType type;
    std::string help;
    std::vector<std::string> samples; // rendered lines
  };
  std::vector<Metric> m_metrics;
};

// "a\"b" -> "a\\\"b"; newline -> "\\n"; backslash doubled.
std::string escape_label_value(std::string_view value);
bool valid_metric_name(std::string_view name) noexcept;
// "{a=\"1\",b=\"2\"}" (empty for no labels); names must be valid (checked
// by MetricsWriter::sample, trusted here).
std::string format_labels(const Labels& labels);
// Appends "NAME{LABELS} VALUE\n"; `labels` is format_labels() output.
void append_sample(std::string& out, std::string_view name, std::string_view labels, double value);
bool valid_label_name(std::string_view name) noexcept;

} // namespace bgpwatch::collector

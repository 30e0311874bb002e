// collector/render/table.hpp: text renderers. Fixed columns under a header
// row (bgpctl show_output style); widths fit the widest cell so columns
// line up, and nothing else in bgpwatch formats text tables.
#pragma once

#include "bgp/detect.hpp"
#include "bgp/session.hpp"
#include "collector/render/model.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace bgpwatch::collector {

class TextTable
{
public:
  explicit TextTable(std::vector<std::string> header);
  // `sgr`: per cell, SGR parameters to colour it with (render/ansi.hpp);
  // empty = plain. Colour never changes the column widths.
  void add_row(std::vector<std::string> cells, std::vector<std::string> sgr = {});
  // Columns separated by two spaces; the last column is not padded.
  void render(std::ostream& out) const;
  std::vector<std::string> lines() const;

private:
  std::vector<std::string> m_header;
  std::vector<std::vector<std::string>> m_rows;
  std::vector<std::vector<std::string>> m_sgr;
};

// "32m13s", or "-" when unknown.
std::string uptime_cell(const std::optional<std::int64_t>& seconds);

// `parse` text output: a summary line, then one row per session.
void render_parse_text(bgp::InputFormat format, const bgp::Summary& summary, std::ostream& out);

// status/check text output: one row per expected session, then the verdict
// and every reason a session is not ready.
void render_verdict_text(const GateReport& report, std::ostream& out);

// check text output: one verdict line ("kubernetes1003.eqiad.wmnet: NOT
// READY, 3/4 sessions ready (exit 1)"), then every reason.
void render_check_text(const GateReport& report, std::ostream& out);

// One line per router that could not be read, its error said once
// ("router cr1-eqiad: unreadable: ..."); its sessions' reasons point here
// (issue 16). With two views the view is named: "cr1-eqiad (bird)".
void render_router_errors(const GateReport& report, std::ostream& out);

// The rows of the verdict table (also the live progress table).
TextTable verdict_table(const GateReport& report);

} // namespace bgpwatch::collector

// collector/roll/plan.hpp: what a roll will do, decided before anything is
// touched (pure: names in, plan out). Order, batches of --max-unavailable,
// nodes already done by an earlier run (--state), and CMD per node with
// {node} (first DNS label) and {fqdn} expanded.
#pragma once

#include "bgp/expected.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bgpwatch::collector {

struct RollPlan
{
  std::string site;
  std::vector<std::string> nodes;                // every node of the roll, in order (FQDNs)
  std::vector<std::string> already_done;         // skipped: done in an earlier run (--state)
  std::vector<std::vector<std::string>> batches; // what is left, max_unavailable at a time
};

// The roll's nodes, in order. `site_nodes`: every node the inventory has for
// the site (FQDNs). `requested` (--nodes, in the operator's order) may use
// short names; empty = every node of the site, sorted by name. A requested
// name that matches no site node, matches two, or is given twice is an error.
Expected<std::vector<std::string>, std::string> choose_nodes(std::vector<std::string> site_nodes,
                                                             const std::vector<std::string>& requested);

// Splits `nodes` minus `done` into batches of at most `max_unavailable`
// (>= 1), keeping the order.
RollPlan make_plan(std::string site, const std::vector<std::string>& nodes, const std::set<std::string>& done,
                   std::size_t max_unavailable);

// "kubernetes1003.eqiad.wmnet" -> "kubernetes1003".
std::string first_label(std::string_view fqdn);

// CMD for one node: every "{node}" becomes the first DNS label, every
// "{fqdn}" the full name, in every argument (no shell involved).
std::vector<std::string> expand_command(const std::vector<std::string>& command, std::string_view fqdn);

// Comma-separated list ("a,b,,c" -> a, b, c); empty items are dropped.
std::vector<std::string> split_list(std::string_view text);

} // namespace bgpwatch::collector

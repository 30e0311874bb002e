// collector/roll/plan.cpp: the roll's plan (see plan.hpp).
#include "collector/roll/plan.hpp"

#include <algorithm>
#include <cctype>

namespace bgpwatch::collector {

namespace {

bool iequals(std::string_view a, std::string_view b)
{
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// SPEC "Configuration": a short name matches the first DNS label, a name
// with a dot the FQDN, both ASCII case-insensitive.
bool matches(std::string_view query, std::string_view fqdn)
{
  if (query.find('.') != std::string_view::npos) {
    return iequals(query, fqdn);
  }
  return iequals(query, first_label(fqdn));
}

void replace_all(std::string& s, std::string_view from, std::string_view to)
{
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
    s.replace(p, from.size(), to);
  }
}

} // namespace

std::string first_label(std::string_view fqdn)
{
  return std::string(fqdn.substr(0, fqdn.find('.')));
}

Expected<std::vector<std::string>, std::string> choose_nodes(std::vector<std::string> site_nodes,
                                                             const std::vector<std::string>& requested)
{
  std::sort(site_nodes.begin(), site_nodes.end());
  site_nodes.erase(std::unique(site_nodes.begin(), site_nodes.end()), site_nodes.end());
  if (requested.empty()) {
    return site_nodes;
  }
  std::vector<std::string> out;
  for (const auto& q : requested) {
    std::vector<std::string> hits;
    for (const auto& n : site_nodes) {
      if (matches(q, n)) {
        hits.push_back(n);
      }
    }
    if (hits.empty()) {
      return Unexpected("--nodes: " + q + " is not a node of the site");
    }
    if (hits.size() > 1) {
      return Unexpected("--nodes: " + q + " matches " + hits[0] + " and " + hits[1] + "; give the full name");
    }
    if (std::find(out.begin(), out.end(), hits[0]) != out.end()) {
      return Unexpected("--nodes: " + hits[0] + " is listed twice");
    }
    out.push_back(hits[0]);
  }
  return out;
}

RollPlan make_plan(std::string site, const std::vector<std::string>& nodes, const std::set<std::string>& done,
                   std::size_t max_unavailable)
{
  RollPlan plan;
  plan.site = std::move(site);
  plan.nodes = nodes;
  const std::size_t k = std::max<std::size_t>(max_unavailable, 1);
  for (const auto& n : nodes) {
    if (done.count(n) != 0) {
      plan.already_done.push_back(n);
      continue;
    }
    if (plan.batches.empty() || plan.batches.back().size() >= k) {
      plan.batches.emplace_back();
    }
    plan.batches.back().push_back(n);
  }
  return plan;
}

std::vector<std::string> expand_command(const std::vector<std::string>& command, std::string_view fqdn)
{
  std::vector<std::string> out;
  const std::string short_name = first_label(fqdn);
  for (std::string arg : command) {
    // {fqdn} first would not matter ({node} is not inside it), but keep one order.
    replace_all(arg, "{fqdn}", fqdn);
    replace_all(arg, "{node}", short_name);
    out.push_back(std::move(arg));
  }
  return out;
}

std::vector<std::string> split_list(std::string_view text)
{
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string item(text.substr(start, comma - start));
    if (!item.empty()) {
      out.push_back(item);
    }
    start = comma + 1;
  }
  return out;
}

} // namespace bgpwatch::collector

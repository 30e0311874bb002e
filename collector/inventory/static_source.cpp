// collector/inventory/static_source.cpp: nodes from the configuration's
// inventory.static (see static_source.hpp).
#include "collector/inventory/static_source.hpp"

namespace bgpwatch::collector {

namespace {

class StaticSource : public InventorySource
{
public:
  explicit StaticSource(const Config& config)
  {
    for (const auto& s : config.inventory.static_nodes) {
      m_nodes.push_back(Node{s.name, s.site, s.addresses, std::nullopt, "static"});
    }
  }

  std::string_view kind() const override
  {
    return "static";
  }

  Expected<std::vector<Node>, std::string> find(std::string_view name, SteadyClock::time_point) override
  {
    std::vector<Node> out;
    for (const auto& n : m_nodes) {
      if (node_name_matches(name, n.name)) {
        out.push_back(n);
      }
    }
    return out;
  }

  std::optional<Expected<std::vector<Node>, std::string>> list(const std::optional<std::string>& site,
                                                               SteadyClock::time_point) override
  {
    std::vector<Node> out;
    for (const auto& n : m_nodes) {
      if (!site || n.site == *site) {
        out.push_back(n);
      }
    }
    return Expected<std::vector<Node>, std::string>(std::move(out));
  }

private:
  std::vector<Node> m_nodes;
};

} // namespace

std::unique_ptr<InventorySource> make_static_source(const Config& config)
{
  return std::make_unique<StaticSource>(config);
}

} // namespace bgpwatch::collector

// collector/kubernetes_source.cpp: the Kubernetes API inventory source.
// Placeholder until the HTTPS client lands: it fails closed.
#include "collector/kubernetes_source.hpp"

namespace bgpwatch::collector {

namespace {

class PendingKubernetes : public InventorySource
{
public:
  std::string_view kind() const override
  {
    return "kubernetes";
  }
  Expected<std::vector<Node>, std::string> find(std::string_view, SteadyClock::time_point) override
  {
    return Unexpected(std::string("the Kubernetes source is not implemented yet"));
  }
  std::optional<Expected<std::vector<Node>, std::string>> list(const std::optional<std::string>&,
                                                               SteadyClock::time_point) override
  {
    return Expected<std::vector<Node>, std::string>(
      Unexpected(std::string("the Kubernetes source is not implemented yet")));
  }
};

} // namespace

std::unique_ptr<InventorySource> make_kubernetes_source(const KubernetesSource&)
{
  return std::make_unique<PendingKubernetes>();
}

} // namespace bgpwatch::collector

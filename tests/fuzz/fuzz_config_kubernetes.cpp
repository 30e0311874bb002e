// tests/fuzz/fuzz_config_kubernetes.cpp: libFuzzer target for what the
// Kubernetes source parses: v1 Node JSON (from the API server) and
// kubeconfig YAML. Must give a value or an error, never crash or throw.
#include "collector/inventory/kubernetes_config.hpp"
#include "collector/inventory/kubernetes_source.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)bgpwatch::collector::parse_kubernetes_node(text, "topology.kubernetes.io/region");
  // The kubeconfig is operator-written YAML: bound it like the config.
  if (size < 4096) {
    (void)bgpwatch::collector::parse_kubeconfig(text, "/nonexistent/fuzz.kubeconfig");
  }
  (void)bgpwatch::collector::decode_base64(text);
  return 0;
}

// bgp/junos_stream.hpp: what the tests of the streaming summary reader
// (parse_junos_xml_stream in junos.hpp, junos_stream.cpp) compare with;
// internal to bgp/ and its tests.
#pragma once

#include "bgp/session.hpp"

namespace bgpwatch::bgp {

// Field by field: the header counters and every session (Session's own ==,
// which covers every field, RIBs included).
bool same_summary(const Summary& a, const Summary& b);

} // namespace bgpwatch::bgp

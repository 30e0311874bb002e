// collector/http/body_producer.hpp: a response body made piece by piece, shared
// by the collector's state (which makes the pieces) and its HTTP server
// (which sends them as HTTP/1.1 chunks).
#pragma once

#include <functional>
#include <string>

namespace bgpwatch::collector {

// Each call appends the next piece (a few hundred KiB at most) to `out` and
// returns false once the body is complete. A scrape of 100,000 sessions is
// ~80 MB of text; it is never held whole.
using BodyProducer = std::function<bool(std::string& out)>;

} // namespace bgpwatch::collector

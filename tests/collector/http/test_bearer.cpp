// tests/collector/http/test_bearer.cpp: collector.token_file's check of the
// Authorization header (RFC 6750 "Bearer"), exact and length-safe.
#include "collector/http/server.hpp"

#include <catch2/catch.hpp>

using bgpwatch::collector::bearer_matches;

TEST_CASE("bearer_matches: only the exact header")
{
  CHECK(bearer_matches("Bearer s3cret", "s3cret"));
  CHECK_FALSE(bearer_matches("Bearer s3cre", "s3cret"));
  CHECK_FALSE(bearer_matches("Bearer s3cret2", "s3cret"));
  CHECK_FALSE(bearer_matches("Bearer S3cret", "s3cret"));
  CHECK_FALSE(bearer_matches("Basic s3cret", "s3cret"));
  CHECK_FALSE(bearer_matches("s3cret", "s3cret"));
  CHECK_FALSE(bearer_matches("", "s3cret"));
  // An empty configured token never matches (the daemon refuses empty
  // token files, but the check must not open the door by itself).
  CHECK_FALSE(bearer_matches("Bearer ", ""));
}

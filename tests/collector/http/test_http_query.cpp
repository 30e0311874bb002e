// tests/collector/test_http_query.cpp: query strings of the collector's
// HTTP API (/v1/sessions?router=NAME&router=NAME).
#include "collector/http/url_query.hpp"

#include <catch2/catch.hpp>

using bgpwatch::collector::parse_query;
using bgpwatch::collector::percent_encode;
using Params = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("http query: names, values, repeats, order kept")
{
  CHECK(parse_query("/v1/sessions").empty());
  CHECK(parse_query("/v1/sessions?").empty());
  CHECK(parse_query("/v1/sessions?router=cr1-eqiad&router=cr2-eqiad")
        == Params{{"router", "cr1-eqiad"}, {"router", "cr2-eqiad"}});
  CHECK(parse_query("/x?a&&b=") == Params{{"a", ""}, {"b", ""}});
  CHECK(parse_query("/x?a=1=2") == Params{{"a", "1=2"}});
}

TEST_CASE("http query: percent-escapes and '+' decoded, malformed ones kept")
{
  CHECK(parse_query("/x?router=cr1%2Deqiad") == Params{{"router", "cr1-eqiad"}});
  CHECK(parse_query("/x?r%6Futer=a+b") == Params{{"router", "a b"}});
  CHECK(parse_query("/x?a=%41%42") == Params{{"a", "AB"}});
  CHECK(parse_query("/x?a=%4") == Params{{"a", "%4"}});
  CHECK(parse_query("/x?a=%zz1") == Params{{"a", "%zz1"}});
  CHECK(parse_query("/x?a=100%") == Params{{"a", "100%"}});
}

TEST_CASE("http query: percent_encode is parse_query's inverse")
{
  CHECK(percent_encode("cr1-eqiad.wmnet_~") == "cr1-eqiad.wmnet_~");
  CHECK(percent_encode("a b/c=d&\xE9") == "a%20b%2Fc%3Dd%26%E9");
  CHECK(parse_query("/x?r=" + percent_encode("a b/c=d&+")) == Params{{"r", "a b/c=d&+"}});
}

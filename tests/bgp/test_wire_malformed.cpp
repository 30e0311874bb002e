// tests/bgp/test_wire_malformed.cpp: every file in fixtures/bgp/malformed/
// (made by fixtures/bgp/make_malformed.py) must fail with exactly the
// DecodeErrc of this table, and carry that error's NOTIFICATION. A file not
// in the table fails the test, so the corpus cannot grow untested.
#include "bgp/wire.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

using namespace bgpwatch::bgp;

namespace {

std::filesystem::path fixtures()
{
  if (const char* env = std::getenv("BGPWATCH_FIXTURES")) {
    return env;
  }
  // Run by hand: look for fixtures/ from the working directory upwards.
  for (auto p = std::filesystem::current_path(); !p.empty(); p = p.parent_path()) {
    if (std::filesystem::is_directory(p / "fixtures" / "bgp")) {
      return p / "fixtures";
    }
    if (p == p.parent_path()) {
      break;
    }
  }
  return "fixtures";
}

struct Expect
{
  DecodeErrc code;
  std::uint8_t notify_code;
  std::uint8_t notify_subcode;
};

// clang-format off
const std::map<std::string, Expect> k_table = {
  {"truncated--half-header",                                  {DecodeErrc::truncated, 1, 2}},
  {"truncated--length-longer-than-data",                      {DecodeErrc::truncated, 1, 2}},
  {"length_mismatch--bytes-after-message",                    {DecodeErrc::length_mismatch, 1, 2}},
  {"bad_marker--zero-byte-in-marker",                         {DecodeErrc::bad_marker, 1, 1}},
  {"bad_length--length-18",                                   {DecodeErrc::bad_length, 1, 2}},
  {"bad_length--4097-without-extended-message",               {DecodeErrc::bad_length, 1, 2}},
  {"bad_length--keepalive-with-body",                         {DecodeErrc::bad_length, 1, 2}},
  {"bad_length--open-too-short",                              {DecodeErrc::bad_length, 1, 2}},
  {"bad_length--notification-without-subcode",                {DecodeErrc::bad_length, 1, 2}},
  {"bad_length--route-refresh-too-short",                     {DecodeErrc::bad_length, 1, 2}},
  {"bad_type--type-6",                                        {DecodeErrc::bad_type, 1, 3}},
  {"bad_type--type-0",                                        {DecodeErrc::bad_type, 1, 3}},
  {"open_unsupported_version--version-3",                     {DecodeErrc::open_unsupported_version, 2, 1}},
  {"open_bad_peer_as--as-0",                                  {DecodeErrc::open_bad_peer_as, 2, 2}},
  {"open_bad_peer_as--four-octet-as-0",                       {DecodeErrc::open_bad_peer_as, 2, 2}},
  {"open_bad_bgp_id--id-0",                                   {DecodeErrc::open_bad_bgp_id, 2, 3}},
  {"open_bad_hold_time--hold-2",                              {DecodeErrc::open_bad_hold_time, 2, 6}},
  {"open_unsupported_parameter--authentication-param",        {DecodeErrc::open_unsupported_parameter, 2, 4}},
  {"open_malformed_parameters--param-length-overruns",        {DecodeErrc::open_malformed_parameters, 2, 0}},
  {"open_malformed_parameters--opt-len-beyond-message",       {DecodeErrc::open_malformed_parameters, 2, 0}},
  {"open_malformed_parameters--capability-overruns-param",    {DecodeErrc::open_malformed_parameters, 2, 0}},
  {"open_malformed_capability--mp-length-3",                  {DecodeErrc::open_malformed_capability, 2, 0}},
  {"open_malformed_capability--four-octet-as-length-2",       {DecodeErrc::open_malformed_capability, 2, 0}},
  {"open_malformed_capability--graceful-restart-length-5",    {DecodeErrc::open_malformed_capability, 2, 0}},
  {"open_malformed_capability--add-path-length-3",            {DecodeErrc::open_malformed_capability, 2, 0}},
  {"open_malformed_capability--route-refresh-with-value",     {DecodeErrc::open_malformed_capability, 2, 0}},
  {"open_malformed_capability--fqdn-hostname-overruns",       {DecodeErrc::open_malformed_capability, 2, 0}},
  {"update_malformed_attribute_list--withdrawn-length-overruns", {DecodeErrc::update_malformed_attribute_list, 3, 1}},
  {"update_malformed_attribute_list--attribute-length-overruns-message", {DecodeErrc::update_malformed_attribute_list, 3, 1}},
  {"update_malformed_attribute_list--duplicate-origin",       {DecodeErrc::update_malformed_attribute_list, 3, 1}},
  {"update_unrecognized_well_known--type-99-not-optional",    {DecodeErrc::update_unrecognized_well_known, 3, 2}},
  {"update_missing_well_known--no-next-hop",                  {DecodeErrc::update_missing_well_known, 3, 3}},
  {"update_missing_well_known--no-origin",                    {DecodeErrc::update_missing_well_known, 3, 3}},
  {"update_attribute_flags--origin-marked-optional",          {DecodeErrc::update_attribute_flags, 3, 4}},
  {"update_attribute_flags--med-not-optional",                {DecodeErrc::update_attribute_flags, 3, 4}},
  {"update_attribute_length--origin-length-2",                {DecodeErrc::update_attribute_length, 3, 5}},
  {"update_attribute_length--next-hop-length-5",              {DecodeErrc::update_attribute_length, 3, 5}},
  {"update_attribute_length--attribute-value-cut",            {DecodeErrc::update_attribute_length, 3, 5}},
  {"update_invalid_origin--origin-3",                         {DecodeErrc::update_invalid_origin, 3, 6}},
  {"update_invalid_next_hop--zero",                           {DecodeErrc::update_invalid_next_hop, 3, 8}},
  {"update_invalid_next_hop--multicast",                      {DecodeErrc::update_invalid_next_hop, 3, 8}},
  {"update_optional_attribute--mp-reach-next-hop-overruns",   {DecodeErrc::update_optional_attribute, 3, 9}},
  {"update_optional_attribute--mp-unreach-without-safi",      {DecodeErrc::update_optional_attribute, 3, 9}},
  {"update_invalid_network--prefix-length-33",                {DecodeErrc::update_invalid_network, 3, 10}},
  {"update_invalid_network--prefix-bytes-missing",            {DecodeErrc::update_invalid_network, 3, 10}},
  {"update_invalid_network--ipv6-prefix-length-129",          {DecodeErrc::update_invalid_network, 3, 10}},
  {"update_malformed_as_path--segment-type-5",                {DecodeErrc::update_malformed_as_path, 3, 11}},
  {"update_malformed_as_path--segment-length-0",              {DecodeErrc::update_malformed_as_path, 3, 11}},
  {"update_malformed_as_path--segment-overruns",              {DecodeErrc::update_malformed_as_path, 3, 11}},
  {"route_refresh_bad_length--borr-with-orf-bytes",           {DecodeErrc::route_refresh_bad_length, 7, 1}},
};
// clang-format on

} // namespace

TEST_CASE("wire: malformed corpus gives the exact DecodeErrc and NOTIFICATION")
{
  const auto dir = fixtures() / "bgp" / "malformed";
  REQUIRE(std::filesystem::is_directory(dir));
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".bin") {
      continue;
    }
    const std::string name = entry.path().stem().string();
    CAPTURE(name);
    const auto it = k_table.find(name);
    REQUIRE(it != k_table.end());
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    DecodeContext ctx;
    ctx.extended_message = false;
    const auto result = decode_message(bytes, ctx);
    REQUIRE_FALSE(result.has_value());
    CAPTURE(result.error().to_string());
    CHECK(result.error().code == it->second.code);
    CHECK(result.error().notify_code == it->second.notify_code);
    CHECK(result.error().notify_subcode == it->second.notify_subcode);
    CHECK(std::string(to_string(result.error().code)) == name.substr(0, name.find("--")));
    ++seen;
  }
  CHECK(seen == k_table.size());
}

TEST_CASE("wire: every prefix of a valid message is truncated, never a crash")
{
  const std::vector<std::uint8_t> open = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x00, 0x25, 0x01, 0x04, 0xfc, 0x59, 0x00, 0x5a, 0x0a, 0x40, 0x00, 0x0b, 0x08,
    0x02, 0x06, 0x41, 0x04, 0x00, 0x00, 0xfc, 0x59};
  REQUIRE(decode_message(open).has_value());
  for (std::size_t n = 0; n < open.size(); ++n) {
    CAPTURE(n);
    const auto r = decode_message(std::span(open).first(n));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == DecodeErrc::truncated);
  }
}

// tests/collector/render/test_ansi.cpp: terminal widths and cutting
// (collector/render/ansi.hpp), and coloured table cells keeping alignment.
#include "collector/render/ansi.hpp"
#include "collector/render/table.hpp"

#include <catch2/catch.hpp>

using namespace bgpwatch::collector;

TEST_CASE("display_width counts columns, not bytes or escapes", "[render][ansi]")
{
  CHECK(display_width("") == 0);
  CHECK(display_width("cr1-eqiad") == 9);
  CHECK(display_width("\x1b[1;31mNOT READY\x1b[0m") == 9);
  CHECK(display_width("…") == 1); // three bytes, one column
  CHECK(display_width("a\x1b[32mb\x1b[mc") == 3);
}

TEST_CASE("paint wraps in SGR and a reset; empty SGR is plain", "[render][ansi]")
{
  CHECK(paint("READY", "32") == "\x1b[32mREADY\x1b[0m");
  CHECK(paint("READY", "") == "READY");
}

TEST_CASE("fit_width cuts to the column budget with an ellipsis", "[render][ansi]")
{
  CHECK(fit_width("short", 10) == "short");
  CHECK(fit_width("exactly10!", 10) == "exactly10!");
  CHECK(fit_width("cr2-eqiad ipv6 2620:0:861:103", 10) == "cr2-eqiad…");
  CHECK(display_width(fit_width("cr2-eqiad ipv6 2620:0:861:103", 10)) == 10);
  CHECK(fit_width("abc", 1) == "…");
  CHECK(fit_width("abc", 0).empty());
}

TEST_CASE("fit_width never leaves a colour open", "[render][ansi]")
{
  const std::string line = "x " + paint("NOT READY", k_sgr_not_ready) + " tail";
  const std::string cut = fit_width(line, 6);
  CHECK(display_width(cut) == 6);
  CHECK(cut == "x \x1b[1;31mNOT…\x1b[0m");
  // Cut after the colour ended: no extra reset.
  CHECK(fit_width(paint("ok", "32") + " and more text", 5) == "\x1b[32mok\x1b[0m a…");
}

TEST_CASE("coloured cells keep the table's columns aligned", "[render][table]")
{
  TextTable t({"ROUTER", "VERDICT", "WHY"});
  t.add_row({"cr1-eqiad", "ready", ""}, {"", "32", ""});
  t.add_row({"cr2-eqiad", "not_ready", "down"}, {"", "1;31", ""});
  const auto lines = t.lines();
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "ROUTER     VERDICT    WHY");
  CHECK(lines[1] == "cr1-eqiad  \x1b[32mready\x1b[0m");
  CHECK(lines[2] == "cr2-eqiad  \x1b[1;31mnot_ready\x1b[0m  down");
  // Same columns as the plain table.
  TextTable plain({"ROUTER", "VERDICT", "WHY"});
  plain.add_row({"cr1-eqiad", "ready", ""});
  plain.add_row({"cr2-eqiad", "not_ready", "down"});
  CHECK(display_width(lines[2]) == plain.lines()[2].size());
}

// `rxdesk simulate`: one contact-center day through the real ACD (sim/simulator.h).
//
//   rxdesk simulate --config docs/examples/day.toml --csv day.csv --seed 7
//
// Reads the day from TOML (format: docs/workforce.md, "Simulator"), runs it,
// prints KPIs per interval, for the day and per queue as a table on stdout, and
// writes them as CSV when asked. A progress bar goes to stderr when stderr is a
// terminal or with --progress. Exit codes (API.md): 0 ok; 2 for usage and
// config errors, the message naming the key and its line; 1 other failures.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/result.h"
#include "sim/simulator.h"

namespace rxdesk {

struct SimulateFlags {
  std::string config_path;
  std::string csv_path;               // empty: no CSV
  std::optional<std::uint64_t> seed;  // default: [day] seed of the file, else 1
  bool progress = false;              // force the progress bar when stderr is not a terminal
};

// Registers `simulate` and its flags on `app`; main tests the result's parsed().
CLI::App* AddSimulateCommand(CLI::App& app, SimulateFlags& flags);

int RunSimulate(const SimulateFlags& flags);

// The day described by TOML `text` (named `origin` in messages), and the file's
// seed if it gives one. Refusal: config_invalid, the message starting
// "origin:line: key" (unknown keys, wrong types, and every refusal of
// sim::ValidateDayConfig mapped back to its line).
struct LoadedDay {
  sim::DayConfig config;
  std::optional<std::uint64_t> seed;
};
Result<LoadedDay> ParseDayToml(std::string_view text, const std::string& origin);

}  // namespace rxdesk

// `rxdesk simulate` through the real binary (docs/workforce.md, "Simulator"): the
// example day with a fixed seed prints its per-interval table and writes the same
// figures as CSV; a seed replays the day to the digit; a config error exits 2
// naming the key and its line; a missing file exits 2; an unwritable CSV exits 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kCsvHeader[] =
    "interval,start,offered,answered,abandoned,unanswered,answered_in_target,service_level,asa_s,aht_s,occupancy,"
    "agents";

// The source tree: $RXDESK_SOURCE_DIR, else the folder above this file's (CMake
// compiles it by absolute path).
fs::path SourceDir() {
  if (const char* env = std::getenv("RXDESK_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return fs::path(__FILE__).parent_path().parent_path();
}

std::string ExampleDay() { return (SourceDir() / "docs" / "examples" / "day.toml").string(); }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> Split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

CommandResult Simulate(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {RxdeskBinary(), "simulate"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

// "HH:MM" of interval i of 30 minutes.
std::string Start(int i) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", i / 2, i % 2 * 30);
  return buf;
}

long long Number(const std::string& text) { return std::stoll(text); }

// The example day, seed 7, with its CSV, run once for the tests that read it.
class SimulateExampleDay : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    run_ = std::make_unique<CommandResult>(Simulate({"--config", ExampleDay(), "--seed", "7", "--csv", CsvPath()}));
  }
  static void TearDownTestSuite() {
    run_.reset();
    dir_.reset();
  }
  static std::string CsvPath() { return dir_->path() + "/day.csv"; }

  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<CommandResult> run_;
};

std::unique_ptr<TempDir> SimulateExampleDay::dir_;
std::unique_ptr<CommandResult> SimulateExampleDay::run_;

TEST_F(SimulateExampleDay, ExitsZeroAndSaysWhichDayAndSeedItRan) {
  ASSERT_EQ(run_->exit_code, 0) << run_->out << run_->err;
  const std::vector<std::string> lines = Lines(run_->out);
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("48 intervals of 30 min, seed 7"), std::string::npos) << lines[0];
}

TEST_F(SimulateExampleDay, ThePerIntervalTableHasItsHeaderFortyEightRowsAndTheDay) {
  ASSERT_EQ(run_->exit_code, 0) << run_->err;
  const std::vector<std::string> lines = Lines(run_->out);
  std::size_t header = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("interval ", 0) == 0) {
      header = i;
      break;
    }
  }
  ASSERT_LT(header, lines.size()) << run_->out;
  EXPECT_EQ(Words(lines[header]),
            (std::vector<std::string>{"interval", "offered", "answered", "abandoned", "unanswered", "SL", "ASA", "s",
                                      "AHT", "s", "occ", "agents"}));
  ASSERT_GE(lines.size(), header + 50);
  long long offered = 0;
  for (int i = 0; i < 48; ++i) {
    const std::vector<std::string> row = Words(lines[header + 1 + i]);
    ASSERT_EQ(row.size(), 10u) << lines[header + 1 + i];
    EXPECT_EQ(row[0], Start(i));
    // answered + abandoned + unanswered = offered, in every interval.
    EXPECT_EQ(Number(row[2]) + Number(row[3]) + Number(row[4]), Number(row[1])) << lines[header + 1 + i];
    offered += Number(row[1]);
  }
  const std::vector<std::string> day = Words(lines[header + 49]);
  ASSERT_EQ(day.size(), 10u) << lines[header + 49];
  EXPECT_EQ(day[0], "day");
  EXPECT_EQ(Number(day[1]), offered);
  // docs/workforce.md: about 7,400 contacts, 96–97% within 20 s, under 1% abandoned.
  EXPECT_GT(offered, 7000);
  EXPECT_LT(offered, 7800);
  EXPECT_LT(Number(day[3]) * 100, offered);
}

TEST_F(SimulateExampleDay, TheCsvHasItsHeaderFortyEightRowsAndTheDayMatchingTheTable) {
  ASSERT_EQ(run_->exit_code, 0) << run_->err;
  const std::vector<std::string> lines = Lines(ReadText(CsvPath()));
  ASSERT_EQ(lines.size(), 50u) << "header, 48 intervals, the day";
  EXPECT_EQ(lines[0], kCsvHeader);
  long long offered = 0, in_target = 0;
  for (int i = 0; i < 48; ++i) {
    const std::vector<std::string> row = Split(lines[1 + i], ',');
    ASSERT_EQ(row.size(), 12u) << lines[1 + i];
    EXPECT_EQ(row[0], std::to_string(i));
    EXPECT_EQ(row[1], Start(i));
    EXPECT_EQ(Number(row[3]) + Number(row[4]) + Number(row[5]), Number(row[2])) << lines[1 + i];
    EXPECT_LE(Number(row[6]), Number(row[3])) << "answered in target is part of answered";
    offered += Number(row[2]);
    in_target += Number(row[6]);
  }
  const std::vector<std::string> day = Split(lines[49], ',');
  ASSERT_EQ(day.size(), 12u) << lines[49];
  EXPECT_EQ(day[0], "day");
  EXPECT_EQ(day[1], "");
  EXPECT_EQ(Number(day[2]), offered);
  EXPECT_EQ(Number(day[6]), in_target);
  EXPECT_NEAR(std::stod(day[7]), static_cast<double>(in_target) / static_cast<double>(offered), 5e-5);
  // The table's day row gives the same offered count.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(run_->out, m, std::regex(R"(\nday +(\d+) )"))) << run_->out;
  EXPECT_EQ(Number(m[1]), offered);
}

TEST_F(SimulateExampleDay, TheSameSeedGivesTheSameDayTwiceAndAnotherSeedAnother) {
  ASSERT_EQ(run_->exit_code, 0) << run_->err;
  const std::string again = dir_->path() + "/again.csv";
  const CommandResult second = Simulate({"--config", ExampleDay(), "--seed", "7", "--csv", again});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(ReadText(again), ReadText(CsvPath()));
  EXPECT_EQ(second.out, run_->out);

  const std::string other = dir_->path() + "/other.csv";
  const CommandResult third = Simulate({"--config", ExampleDay(), "--seed", "8", "--csv", other});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(ReadText(other), ReadText(CsvPath()));
}

TEST(SimulateCli, WithoutSeedTheFilesSeedIsUsed) {
  const CommandResult r = Simulate({"--config", ExampleDay()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("seed 20261123"), std::string::npos) << r.out.substr(0, 200);
}

TEST(SimulateCli, AnUnknownKeyExitsTwoNamingTheKeyAndItsLine) {
  TempDir dir;
  const std::string path = dir.path() + "/day.toml";
  WriteText(path, "[day]\nintervals = 48\ninterval_minutes = 30\ncolour = \"blue\"\n");
  const std::string csv = dir.path() + "/day.csv";
  const CommandResult r = Simulate({"--config", path, "--csv", csv});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(path + ":4: day.colour is not a known setting"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(csv)) << "nothing is written for a refused config";
  EXPECT_EQ(r.out, "");
}

TEST(SimulateCli, AWrongTypeExitsTwoNamingTheKeyAndItsLine) {
  TempDir dir;
  const std::string path = dir.path() + "/day.toml";
  WriteText(path, "[day]\nintervals = \"48\"\n");
  const CommandResult r = Simulate({"--config", path});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(path + ":2: day.intervals must be an integer"), std::string::npos) << r.err;

  // The same in the middle of the real example: the pharmacists' queue's wrap-up as a string.
  std::string text = ReadText(ExampleDay());
  const std::string setting = "wrap_up_seconds = 60";
  const std::size_t at = text.find(setting);
  ASSERT_NE(at, std::string::npos) << "the example no longer has a 60-second wrap-up";
  const long line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
  text.replace(at, setting.size(), "wrap_up_seconds = \"60\"");
  WriteText(path, text);
  const CommandResult example = Simulate({"--config", path});
  EXPECT_EQ(example.exit_code, 2) << example.err;
  const std::regex named(":" + std::to_string(line) + R"(: queues\[\d+\]\.wrap_up_seconds must be a number)");
  EXPECT_TRUE(std::regex_search(example.err, named)) << example.err;
}

TEST(SimulateCli, AValueThatBreaksARuleExitsTwoNamingItsKey) {
  TempDir dir;
  const std::string path = dir.path() + "/day.toml";
  WriteText(path,
            "[day]\nintervals = 3\n\n[[queues]]\nid = \"q\"\n\n[[arrivals]]\nqueue = \"q\"\nper_interval = [1, 2]\n");
  const CommandResult r = Simulate({"--config", path});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(path + ":9: arrivals[0].per_interval"), std::string::npos) << r.err;
}

TEST(SimulateCli, AMissingFileExitsTwoNamingIt) {
  TempDir dir;
  const std::string path = dir.path() + "/no-such-day.toml";
  const CommandResult r = Simulate({"--config", path});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  const CommandResult no_config = Simulate({});
  EXPECT_EQ(no_config.exit_code, 2) << no_config.err;
  EXPECT_NE(no_config.err.find("--config"), std::string::npos) << no_config.err;
}

TEST(SimulateCli, ACsvThatCannotBeWrittenExitsOne) {
  TempDir dir;
  const CommandResult r = Simulate({"--config", ExampleDay(), "--csv", dir.path() + "/no-such-dir/day.csv"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rxdesk::testing

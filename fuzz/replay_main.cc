// Replays the committed fuzz inputs through the fuzz targets, so that every seed
// keeps passing and every crash once found stays fixed (ctest `fuzz_regressions`).
//
//   fuzz_regressions FUZZ_DIR [TARGET...]
//
// For each target (all by default) runs every regular file under
// FUZZ_DIR/corpus/<target>/ and FUZZ_DIR/regressions/<target>/ (names starting
// with '.' skipped, in name order). A broken property aborts and names the
// input. Exit 0 when all ran; 2 for a usage error (or an unknown target) or a
// target without seeds (a wrong FUZZ_DIR must not pass as "nothing to replay").
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"

// The targets' LLVMFuzzerTestOneInput, renamed by fuzz/CMakeLists.txt.
extern "C" int RxdFuzzReplay_json_body(const std::uint8_t* data, std::size_t size);
extern "C" int RxdFuzzReplay_address(const std::uint8_t* data, std::size_t size);
extern "C" int RxdFuzzReplay_identifiers(const std::uint8_t* data, std::size_t size);
extern "C" int RxdFuzzReplay_config(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

struct Target {
  std::string_view name;
  int (*run)(const std::uint8_t*, std::size_t);
};

constexpr Target kTargets[] = {
    {"json_body", RxdFuzzReplay_json_body},
    {"address", RxdFuzzReplay_address},
    {"identifiers", RxdFuzzReplay_identifiers},
    {"config", RxdFuzzReplay_config},
};

std::vector<fs::path> InputsUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs `target` on each file; returns how many ran.
std::size_t Replay(const Target& target, const std::vector<fs::path>& files) {
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string name = file.string();
    rxdesk::fuzz::current_input = name.c_str();
    // An empty vector's data() may be null; libFuzzer never passes null, so neither do we.
    static const std::uint8_t kNothing = 0;
    const auto* data = bytes.empty() ? &kNothing : reinterpret_cast<const std::uint8_t*>(bytes.data());
    target.run(data, bytes.size());
    rxdesk::fuzz::current_input = nullptr;
  }
  return files.size();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FUZZ_DIR [TARGET...]\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  const std::vector<std::string_view> wanted(argv + 2, argv + argc);
  for (const std::string_view name : wanted) {
    if (std::none_of(std::begin(kTargets), std::end(kTargets), [&](const Target& t) { return t.name == name; })) {
      std::fprintf(stderr, "unknown target %s\n", std::string(name).c_str());
      return 2;
    }
  }
  int status = 0;
  for (const Target& target : kTargets) {
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), target.name) == wanted.end()) continue;
    const std::size_t seeds = Replay(target, InputsUnder(root / "corpus" / target.name));
    const std::size_t regressions = Replay(target, InputsUnder(root / "regressions" / target.name));
    std::printf("%-12s %3zu seeds, %3zu regressions: %s\n", std::string(target.name).c_str(), seeds, regressions,
                seeds == 0 ? "NO SEEDS (wrong FUZZ_DIR?)" : "ok");
    std::fflush(stdout);
    if (seeds == 0) status = 2;
  }
  return status;
}

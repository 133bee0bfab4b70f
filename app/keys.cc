#include "app/keys.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/runtime.h"
#include "infra/ids.h"
#include "services/key_rotation.h"

namespace rxdesk {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Config and usage problems exit 2; everything else 1 (API.md).
int Fail(const Error& e) {
  std::cerr << "rxdesk: " << (e.code == "invalid_request" && !e.field.empty() ? e.field + ": " : "") << e.message
            << "\n";
  return e.code == "config_invalid" || e.code == "invalid_request" ? 2 : 1;
}

// A running server seals with the current key it last saw; it looks at the key
// file every KeyReloadPolicy::check_interval. Re-encryption starts only when
// that long (and a second more) has passed since the file changed, so no server
// is still sealing new values under the old key when the walk over the tables begins.
std::chrono::milliseconds ServerGrace() { return KeyReloadPolicy{}.check_interval + std::chrono::seconds(1); }

// How long until `grace` has passed since the key file last changed (0 if it has).
std::chrono::milliseconds UntilServersSeeTheKey(const std::string& key_file) {
  struct stat st {};
  if (::stat(key_file.c_str(), &st) != 0) return ServerGrace();
  const auto changed =
      std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now() - changed);
  return waited >= ServerGrace() ? std::chrono::milliseconds(0) : ServerGrace() - waited;
}

std::int64_t Total(const std::vector<TableProgress>& tables) {
  std::int64_t n = 0;
  for (const TableProgress& t : tables) n += t.total;
  return n;
}

// Progress on stderr: rewritten in place on a terminal; otherwise a line at
// most once a second (logs of a scheduled job stay short).
class ProgressPrinter {
 public:
  ProgressPrinter() : tty_(::isatty(STDERR_FILENO) == 1) {}
  void operator()(const TableProgress& p) {
    const auto now = SteadyClock::now();
    if (!tty_ && p.done < p.total && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    std::fprintf(stderr, tty_ ? "\r  %s: %lld/%lld rows   " : "  %s: %lld/%lld rows\n", p.table.c_str(),
                 static_cast<long long>(p.done), static_cast<long long>(p.total));
    if (tty_ && p.done >= p.total) std::fprintf(stderr, "\n");
  }

 private:
  bool tty_;
  SteadyClock::time_point last_{};
};

}  // namespace

int RunKeysRotate(const CommonFlags& common, const KeysRotateFlags& flags, char** environ) {
  RuntimeOptions options;
  options.config_path = common.config_path;
  options.data_dir = common.data_dir;
  options.create_data_dir = false;  // rotation needs an existing database and key file
  options.create_key_file = false;
  auto opened = OpenRuntime(options, environ);
  if (!opened.ok()) return Fail(opened.error());
  Runtime& rt = **opened;
  const KeyRotationParams params{.batch_rows = flags.batch};

  // One rotation at a time, held to the end: a second one waits for nothing and refuses.
  auto lock = KeyFileLock::Acquire(rt.key_file);
  if (!lock.ok()) return Fail(lock.error());
  // The rotation works with fixed keys read under the lock, not the runtime's
  // (loaded before it, and following the file).
  auto ring = LoadOrCreateKeyFile(rt.key_file, /*create_if_missing=*/false);
  if (!ring.ok()) return Fail(ring.error());
  auto vault = std::make_unique<PhiVault>(std::move(*ring));
  const std::string run_id = "keys-rotate-" + NewId();

  auto pending = KeyRotation(*rt.store, *vault, rt.clock, params).CountPending();
  if (!pending.ok()) return Fail(pending.error());
  const std::int64_t unfinished = Total(*pending);
  std::string action;
  if (unfinished > 0) {
    std::cerr << "rows under older keys: " << unfinished << "; finishing the rotation to data key "
              << vault->current_key_id() << " (no new key is added)\n";
    action = "keys.rotate.resume";
  } else if (flags.resume) {
    std::cout << "nothing to resume: every sealed value is under data key " << vault->current_key_id() << "\n";
    return 0;
  } else {
    auto added = AddDataKey(*lock);
    if (!added.ok()) return Fail(added.error());
    auto rotated = LoadOrCreateKeyFile(rt.key_file, /*create_if_missing=*/false);
    if (!rotated.ok()) return Fail(rotated.error());
    vault = std::make_unique<PhiVault>(std::move(*rotated));
    std::cerr << "added data key " << *added << " as current to " << rt.key_file << " (" << vault->key_ids().size()
              << " data keys; the older ones stay so old values still open)\n";
    action = "keys.rotate";
  }
  const KeyRotation rotation(*rt.store, *vault, rt.clock, params);
  if (Status s = rotation.AuditRun(run_id, action); !s.ok()) return Fail(s.error());

  if (const auto wait = UntilServersSeeTheKey(rt.key_file); wait.count() > 0) {
    std::cerr << "waiting " << wait.count() << " ms for running servers to pick up data key " << vault->current_key_id()
              << "\n";
    std::this_thread::sleep_for(wait);
  }

  const auto started = SteadyClock::now();
  ProgressPrinter printer;
  auto report = rotation.Run(run_id, [&](const TableProgress& p) { printer(p); });
  if (!report.ok()) {
    (void)rotation.AuditRun(run_id, "keys.rotate.finish", "refused:" + report.error().code);
    return Fail(report.error());
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  for (const TableProgress& t : report->tables) {
    std::printf("%s: %lld/%lld rows re-encrypted\n", t.table.c_str(), static_cast<long long>(t.done),
                static_cast<long long>(t.total));
  }
  const bool finished = report->left == 0;
  if (Status s = rotation.AuditRun(run_id, "keys.rotate.finish", finished ? "ok" : "refused:rows_left"); !s.ok()) {
    return Fail(s.error());
  }
  std::printf(
      "data key %u: %lld rows (%lld values) re-encrypted in %lld batches, %.2f s (%.0f rows/s); %lld rows "
      "left under older keys\n",
      report->key_id, static_cast<long long>(report->rows), static_cast<long long>(report->values),
      static_cast<long long>(report->batches), seconds, seconds > 0 ? static_cast<double>(report->rows) / seconds : 0.0,
      static_cast<long long>(report->left));
  if (!report->unreadable.empty()) {
    std::cerr << "rxdesk: " << report->unreadable.size()
              << " row(s) could not be opened and were left as they were (damaged, or under a key missing from "
                 "the key file):\n";
    for (std::size_t i = 0; i < report->unreadable.size() && i < 20; ++i)
      std::cerr << "  " << report->unreadable[i] << "\n";
  }
  if (!finished) {
    std::cerr << "rxdesk: the rotation is not finished; run `rxdesk keys rotate` again (it adds no key while rows "
                 "are left)\n";
    return 1;
  }
  return 0;
}

}  // namespace rxdesk

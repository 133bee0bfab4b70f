#include "app/simulate.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace rxdesk {
namespace {

using sim::DayConfig;

std::string Join(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}
std::string Item(const std::string& prefix, std::size_t i) { return prefix + "[" + std::to_string(i) + "]"; }

// Reads typed values out of the TOML tree and remembers the line of every key it
// read, so that a refusal from the simulator's validation (which names the key)
// can point at the line too. Absent keys leave the target alone (its default).
class DayReader {
 public:
  explicit DayReader(std::string origin) : origin_(std::move(origin)) {}

  Error Fail(const std::string& path, const std::string& what) const {
    const std::optional<int> line = LineOf(path);
    const std::string where = line ? origin_ + ":" + std::to_string(*line) : origin_;
    return MakeError("config_invalid", where + ": " + path + " " + what, path);
  }

  void Note(const std::string& path, const toml::node& node) {
    lines_[path] = static_cast<int>(node.source().begin.line);
  }

  // The line of `path`, or of the nearest enclosing key that was read.
  std::optional<int> LineOf(std::string path) const {
    for (;;) {
      const auto it = lines_.find(path);
      if (it != lines_.end()) return it->second;
      const std::size_t cut = path.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) return std::nullopt;
      path.resize(cut);
    }
  }

  Status Known(const toml::table& table, const std::string& prefix, std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, node] : table) {
      bool ok = false;
      for (std::string_view a : allowed) ok = ok || key.str() == a;
      const std::string path = Join(prefix, key.str());
      Note(path, node);
      if (!ok) return Fail(path, "is not a known setting");
    }
    return OkStatus();
  }

  const toml::table* Table(const toml::table& t, std::string_view key, const std::string& prefix, Status& status) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) status = Fail(Join(prefix, key), "must be a table, e.g. { key = value }");
    return node->as_table();
  }

  Status Int(const toml::table& t, std::string_view key, const std::string& prefix, int& out) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return OkStatus();
    const std::string path = Join(prefix, key);
    Note(path, *node);
    return IntNode(*node, path, out);
  }

  Status IntNode(const toml::node& node, const std::string& path, int& out) {
    const auto* v = node.as_integer();
    if (v == nullptr) return Fail(path, "must be an integer");
    if (v->get() < -2'000'000'000 || v->get() > 2'000'000'000) return Fail(path, "is out of range");
    out = static_cast<int>(v->get());
    return OkStatus();
  }

  Status Number(const toml::table& t, std::string_view key, const std::string& prefix, double& out) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return OkStatus();
    const std::string path = Join(prefix, key);
    Note(path, *node);
    return NumberNode(*node, path, out);
  }

  Status NumberNode(const toml::node& node, const std::string& path, double& out) {
    if (const auto* i = node.as_integer()) {
      out = static_cast<double>(i->get());
    } else if (const auto* f = node.as_floating_point()) {
      out = f->get();
    } else {
      return Fail(path, "must be a number");
    }
    return OkStatus();
  }

  Status Bool(const toml::table& t, std::string_view key, const std::string& prefix, bool& out) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return OkStatus();
    const std::string path = Join(prefix, key);
    Note(path, *node);
    if (!node->is_boolean()) return Fail(path, "must be true or false");
    out = node->as_boolean()->get();
    return OkStatus();
  }

  Result<std::optional<std::string>> String(const toml::table& t, std::string_view key, const std::string& prefix) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return std::optional<std::string>{};
    const std::string path = Join(prefix, key);
    Note(path, *node);
    if (!node->is_string()) return Fail(path, "must be a string");
    return std::optional<std::string>{node->as_string()->get()};
  }

  Status RequiredString(const toml::table& t, std::string_view key, const std::string& prefix, std::string& out) {
    RXD_ASSIGN_OR_RETURN(std::optional<std::string> v, String(t, key, prefix));
    if (!v) return Fail(Join(prefix, key), "is required");
    out = std::move(*v);
    return OkStatus();
  }

  // An array under `key`: each element handed to `each(node, path, index)`.
  template <typename Each>
  Status Array(const toml::table& t, std::string_view key, const std::string& prefix, Each each) {
    const toml::node* node = t.get(key);
    if (node == nullptr) return OkStatus();
    const std::string path = Join(prefix, key);
    Note(path, *node);
    const toml::array* arr = node->as_array();
    if (arr == nullptr) return Fail(path, "must be a list [ ... ]");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string item = Item(path, i);
      Note(item, (*arr)[i]);
      RXD_TRY(each((*arr)[i], item, i));
    }
    return OkStatus();
  }

  // An array of tables ([[name]] or [ {..}, {..} ]).
  template <typename Each>
  Status Tables(const toml::table& t, std::string_view key, const std::string& prefix, Each each) {
    if (const toml::node* node = t.get(key); node != nullptr && node->is_table()) {
      return Fail(Join(prefix, key), "must be a list of tables: write [[" + std::string(key) + "]]");
    }
    return Array(t, key, prefix, [&](const toml::node& n, const std::string& path, std::size_t) -> Status {
      const toml::table* table = n.as_table();
      if (table == nullptr) return Fail(path, "must be a table");
      return each(*table, path);
    });
  }

 private:
  std::string origin_;
  std::map<std::string, int> lines_;
};

// "HH:MM" from 00:00 of the day, up to 48:00 for shifts past midnight.
Result<int> ParseClock(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return MakeError("config_invalid", "must be a time HH:MM");
  }
  int h = 0;
  for (std::size_t i = 0; i < colon; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return MakeError("config_invalid", "must be a time HH:MM");
    h = h * 10 + (text[i] - '0');
  }
  if (!std::isdigit(static_cast<unsigned char>(text[colon + 1])) ||
      !std::isdigit(static_cast<unsigned char>(text[colon + 2]))) {
    return MakeError("config_invalid", "must be a time HH:MM");
  }
  const int m = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
  if (m > 59 || h * 60 + m > 48 * 60) return MakeError("config_invalid", "must be a time HH:MM up to 48:00");
  return h * 60 + m;
}

Status ReadNeeds(DayReader& r, const toml::table& t, std::string_view key, const std::string& prefix,
                 std::vector<sim::SkillNeed>& out) {
  return r.Tables(t, key, prefix, [&](const toml::table& s, const std::string& path) -> Status {
    RXD_TRY(r.Known(s, path, {"skill", "min"}));
    sim::SkillNeed need;
    RXD_TRY(r.RequiredString(s, "skill", path, need.skill));
    RXD_TRY(r.Int(s, "min", path, need.min));
    out.push_back(std::move(need));
    return OkStatus();
  });
}

Status ReadLanguage(DayReader& r, const toml::table& t, const std::string& prefix, std::optional<Language>& out) {
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> text, r.String(t, "language", prefix));
  if (!text) return OkStatus();
  auto language = ParseLanguage(*text);
  if (!language.ok()) return r.Fail(Join(prefix, "language"), "must be en or es");
  out = *language;
  return OkStatus();
}

Status ReadDay(DayReader& r, const toml::table& day, LoadedDay& out, std::vector<double>& profile) {
  RXD_TRY(
      r.Known(day, "day",
              {"interval_minutes", "intervals", "service_level_seconds", "drain_limit_minutes", "seed", "profile"}));
  sim::DaySettings& d = out.config.day;
  RXD_TRY(r.Int(day, "interval_minutes", "day", d.interval_minutes));
  RXD_TRY(r.Int(day, "intervals", "day", d.intervals));
  RXD_TRY(r.Number(day, "service_level_seconds", "day", d.service_level_seconds));
  RXD_TRY(r.Number(day, "drain_limit_minutes", "day", d.drain_limit_minutes));
  if (const toml::node* seed = day.get("seed")) {
    if (!seed->is_integer() || seed->as_integer()->get() < 0) return r.Fail("day.seed", "must be a whole number >= 0");
    out.seed = static_cast<std::uint64_t>(seed->as_integer()->get());
  }
  return r.Array(day, "profile", "day", [&](const toml::node& n, const std::string& path, std::size_t) -> Status {
    double w = 0;
    RXD_TRY(r.NumberNode(n, path, w));
    if (!(w >= 0 && w <= 1e9)) return r.Fail(path, "must be a weight >= 0");
    profile.push_back(w);
    return OkStatus();
  });
}

Status ReadQueue(DayReader& r, const toml::table& t, const std::string& path, DayConfig& c) {
  RXD_TRY(r.Known(t, path,
                  {"id", "language", "required", "overflow", "overflow_after_seconds", "wrap_up_seconds", "priority"}));
  sim::SimQueue q;
  RXD_TRY(r.RequiredString(t, "id", path, q.id));
  std::optional<Language> language;
  RXD_TRY(ReadLanguage(r, t, path, language));
  q.language = language.value_or(Language::kEnglish);
  RXD_TRY(ReadNeeds(r, t, "required", path, q.required));
  RXD_TRY(ReadNeeds(r, t, "overflow", path, q.overflow));
  RXD_TRY(r.Number(t, "overflow_after_seconds", path, q.overflow_after_seconds));
  RXD_TRY(r.Number(t, "wrap_up_seconds", path, q.wrap_up_seconds));
  Status status;
  if (const toml::table* p = r.Table(t, "priority", path, status)) {
    const std::string pp = Join(path, "priority");
    RXD_TRY(r.Known(*p, pp, {"normal", "tty", "callback", "spanish"}));
    RXD_TRY(r.Int(*p, "normal", pp, q.priority.normal));
    RXD_TRY(r.Int(*p, "tty", pp, q.priority.tty));
    RXD_TRY(r.Int(*p, "callback", pp, q.priority.callback));
    RXD_TRY(r.Int(*p, "spanish", pp, q.priority.spanish));
  }
  RXD_TRY(status);
  c.queues.push_back(std::move(q));
  return OkStatus();
}

Status ReadArrivals(DayReader& r, const toml::table& t, const std::string& path, const std::vector<double>& profile,
                    DayConfig& c) {
  RXD_TRY(r.Known(
      t, path,
      {"queue", "channel", "language", "tty", "callback", "per_interval", "per_day", "handle", "patience_seconds"}));
  sim::ArrivalStream a;
  RXD_TRY(r.RequiredString(t, "queue", path, a.queue));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> channel, r.String(t, "channel", path));
  if (channel) {
    auto parsed = ParseChannel(*channel);
    if (!parsed.ok()) return r.Fail(Join(path, "channel"), "must be voice, chat or message");
    a.channel = *parsed;
  }
  RXD_TRY(ReadLanguage(r, t, path, a.language));
  RXD_TRY(r.Bool(t, "tty", path, a.tty));
  RXD_TRY(r.Bool(t, "callback", path, a.callback));
  RXD_TRY(r.Array(t, "per_interval", path, [&](const toml::node& n, const std::string& item, std::size_t) -> Status {
    double v = 0;
    RXD_TRY(r.NumberNode(n, item, v));
    a.per_interval.push_back(v);
    return OkStatus();
  }));
  if (t.contains("per_day")) {
    const std::string pd = Join(path, "per_day");
    if (t.contains("per_interval")) return r.Fail(pd, "give per_interval or per_day, not both");
    double per_day = 0;
    RXD_TRY(r.Number(t, "per_day", path, per_day));
    if (!(per_day >= 0 && per_day <= sim::kMaxExpectedArrivals)) return r.Fail(pd, "must be 0 to 50000000");
    // Spread by [day] profile (PRODUCT.md §7: the operator's arrival profile), or evenly.
    // An out-of-range interval count is refused by the validation below: spread nothing.
    const bool sane = c.day.intervals >= 1 && c.day.intervals <= sim::kMaxIntervals;
    const auto n = sane ? static_cast<std::size_t>(c.day.intervals) : std::size_t{0};
    double total = 0;
    for (double w : profile) total += w;
    if (!profile.empty() && total <= 0) return r.Fail("day.profile", "needs at least one weight above 0");
    for (std::size_t i = 0; i < n; ++i) {
      a.per_interval.push_back(profile.empty() ? per_day / static_cast<double>(n) : per_day * profile[i] / total);
    }
  }
  Status status;
  if (const toml::table* h = r.Table(t, "handle", path, status)) {
    const std::string hp = Join(path, "handle");
    RXD_TRY(r.Known(*h, hp, {"distribution", "mean_seconds", "cv"}));
    RXD_ASSIGN_OR_RETURN(std::optional<std::string> dist, r.String(*h, "distribution", hp));
    if (dist && *dist == "lognormal") {
      a.handle.distribution = sim::Distribution::kLognormal;
    } else if (dist && *dist != "exponential") {
      return r.Fail(Join(hp, "distribution"), "must be exponential or lognormal");
    }
    RXD_TRY(r.Number(*h, "mean_seconds", hp, a.handle.mean_seconds));
    RXD_TRY(r.Number(*h, "cv", hp, a.handle.cv));
  }
  RXD_TRY(status);
  RXD_TRY(r.Number(t, "patience_seconds", path, a.patience_seconds));
  c.arrivals.push_back(std::move(a));
  return OkStatus();
}

Status ReadAgents(DayReader& r, const toml::table& t, const std::string& path, DayConfig& c) {
  RXD_TRY(r.Known(t, path, {"group", "skills", "languages", "capacity", "on_shift", "shifts"}));
  sim::AgentGroup g;
  RXD_TRY(r.RequiredString(t, "group", path, g.group));
  RXD_TRY(r.Tables(t, "skills", path, [&](const toml::table& s, const std::string& sp) -> Status {
    RXD_TRY(r.Known(s, sp, {"skill", "level"}));
    sim::SkillHeld held;
    RXD_TRY(r.RequiredString(s, "skill", sp, held.skill));
    RXD_TRY(r.Int(s, "level", sp, held.level));
    g.skills.push_back(std::move(held));
    return OkStatus();
  }));
  if (t.contains("languages")) g.languages.clear();
  RXD_TRY(r.Array(t, "languages", path, [&](const toml::node& n, const std::string& item, std::size_t) -> Status {
    const auto* s = n.as_string();
    auto language = s ? ParseLanguage(s->get()) : Result<Language>(InvalidField(item, ""));
    if (!language.ok()) return r.Fail(item, "must be en or es");
    g.languages.push_back(*language);
    return OkStatus();
  }));
  Status status;
  if (const toml::table* cap = r.Table(t, "capacity", path, status)) {
    const std::string cp = Join(path, "capacity");
    RXD_TRY(r.Known(*cap, cp, {"voice", "chat", "message"}));
    RXD_TRY(r.Int(*cap, "voice", cp, g.capacity.voice));
    RXD_TRY(r.Int(*cap, "chat", cp, g.capacity.chat));
    RXD_TRY(r.Int(*cap, "message", cp, g.capacity.message));
  }
  RXD_TRY(status);
  RXD_TRY(r.Array(t, "on_shift", path, [&](const toml::node& n, const std::string& item, std::size_t) -> Status {
    int v = 0;
    RXD_TRY(r.IntNode(n, item, v));
    g.on_shift.push_back(v);
    return OkStatus();
  }));
  RXD_TRY(r.Tables(t, "shifts", path, [&](const toml::table& s, const std::string& sp) -> Status {
    RXD_TRY(r.Known(s, sp, {"start", "end", "count"}));
    sim::Shift shift;
    for (const auto& [key, minute] : {std::pair<std::string_view, int*>{"start", &shift.start_minute},
                                      std::pair<std::string_view, int*>{"end", &shift.end_minute}}) {
      std::string text;
      RXD_TRY(r.RequiredString(s, key, sp, text));
      auto parsed = ParseClock(text);
      if (!parsed.ok()) return r.Fail(Join(sp, key), parsed.error().message);
      *minute = *parsed;
    }
    RXD_TRY(r.Int(s, "count", sp, shift.count));
    g.shifts.push_back(shift);
    return OkStatus();
  }));
  c.agents.push_back(std::move(g));
  return OkStatus();
}

// ---- output ----

std::string Clock(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

// `interval_seconds` 0: a per-queue row, without the agent-time columns.
void PrintRow(std::FILE* out, const std::string& label, const sim::Kpis& k, double interval_seconds, int label_width) {
  std::fprintf(out, "%-*s %8lld %8lld %9lld %10lld %7.1f%% %7.1f %7.1f", label_width, label.c_str(),
               static_cast<long long>(k.offered), static_cast<long long>(k.answered),
               static_cast<long long>(k.abandoned), static_cast<long long>(k.unanswered), 100 * k.ServiceLevel(),
               k.Asa(), k.Aht());
  if (interval_seconds > 0) {
    std::fprintf(out, " %6.1f%% %7.1f", 100 * k.Occupancy(), k.staffed_seconds / interval_seconds);
  }
  std::fprintf(out, "\n");
}

void PrintHeader(std::FILE* out, const char* first, int label_width, bool agent_time) {
  std::fprintf(out, "%-*s %8s %8s %9s %10s %8s %7s %7s", label_width, first, "offered", "answered", "abandoned",
               "unanswered", "SL", "ASA s", "AHT s");
  if (agent_time) std::fprintf(out, " %7s %7s", "occ", "agents");
  std::fprintf(out, "\n");
}

void PrintTables(const DayConfig& c, const sim::SimResult& r, std::uint64_t seed, const std::string& origin) {
  const double interval_s = c.day.interval_minutes * 60.0;
  std::printf("%s: %d intervals of %d min, seed %llu; SL = answered within %.0f s / offered\n\n", origin.c_str(),
              c.day.intervals, c.day.interval_minutes, static_cast<unsigned long long>(seed),
              c.day.service_level_seconds);
  PrintHeader(stdout, "interval", 8, true);
  for (std::size_t i = 0; i < r.intervals.size(); ++i) {
    PrintRow(stdout, Clock(static_cast<int>(i) * c.day.interval_minutes), r.intervals[i], interval_s, 8);
  }
  PrintRow(stdout, "day", r.day, interval_s * c.day.intervals, 8);
  int width = 5;
  for (const auto& q : r.queues) width = std::max(width, static_cast<int>(q.queue.size()));
  std::printf("\n");
  PrintHeader(stdout, "queue", width, false);
  for (const auto& q : r.queues) PrintRow(stdout, q.queue, q.kpis, 0, width);
  std::printf("\n%lld events, run ended at %s\n", static_cast<long long>(r.events),
              Clock(static_cast<int>(r.end_seconds / 60)).c_str());
}

void WriteCsvRow(std::ostream& out, const std::string& label, const std::string& start, const sim::Kpis& k,
                 double interval_seconds) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%lld,%lld,%lld,%lld,%lld,%.4f,%.2f,%.2f,%.4f,%.2f", static_cast<long long>(k.offered),
                static_cast<long long>(k.answered), static_cast<long long>(k.abandoned),
                static_cast<long long>(k.unanswered), static_cast<long long>(k.answered_in_target), k.ServiceLevel(),
                k.Asa(), k.Aht(), k.Occupancy(), interval_seconds > 0 ? k.staffed_seconds / interval_seconds : 0.0);
  out << label << "," << start << "," << buf << "\n";
}

void WriteCsv(std::ostream& out, const DayConfig& c, const sim::SimResult& r) {
  const double interval_s = c.day.interval_minutes * 60.0;
  out << "interval,start,offered,answered,abandoned,unanswered,answered_in_target,service_level,asa_s,aht_s,"
         "occupancy,agents\n";
  for (std::size_t i = 0; i < r.intervals.size(); ++i) {
    WriteCsvRow(out, std::to_string(i), Clock(static_cast<int>(i) * c.day.interval_minutes), r.intervals[i],
                interval_s);
  }
  WriteCsvRow(out, "day", "", r.day, interval_s * c.day.intervals);
}

// "simulating [#########...........] 45%  1.2 s", redrawn in place on stderr.
class ProgressBar {
 public:
  void operator()(double fraction) {
    const int percent = static_cast<int>(fraction * 100);
    if (percent == last_) return;
    last_ = percent;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const int filled = percent / 5;
    std::fprintf(stderr, "\rsimulating [%.*s%.*s] %3d%% %5.1f s", filled, "####################", 20 - filled,
                 "....................", percent, s);
    if (percent >= 100) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  int last_ = -1;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<LoadedDay> ParseDayToml(std::string_view text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return MakeError("config_invalid",
                     origin + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  DayReader r(origin);
  RXD_TRY(r.Known(root, "", {"day", "queues", "arrivals", "agents"}));
  LoadedDay out;
  std::vector<double> profile;
  Status status;
  if (const toml::table* day = r.Table(root, "day", "", status)) RXD_TRY(ReadDay(r, *day, out, profile));
  RXD_TRY(status);
  if (!profile.empty() && profile.size() != static_cast<std::size_t>(out.config.day.intervals)) {
    return r.Fail("day.profile", "must have one weight per interval (" + std::to_string(out.config.day.intervals) +
                                     "), has " + std::to_string(profile.size()));
  }
  RXD_TRY(r.Tables(root, "queues", "",
                   [&](const toml::table& t, const std::string& path) { return ReadQueue(r, t, path, out.config); }));
  RXD_TRY(r.Tables(root, "arrivals", "", [&](const toml::table& t, const std::string& path) {
    return ReadArrivals(r, t, path, profile, out.config);
  }));
  RXD_TRY(r.Tables(root, "agents", "",
                   [&](const toml::table& t, const std::string& path) { return ReadAgents(r, t, path, out.config); }));
  const Status valid = sim::ValidateDayConfig(out.config);
  if (!valid.ok()) return r.Fail(valid.error().field, valid.error().message);
  return out;
}

CLI::App* AddSimulateCommand(CLI::App& app, SimulateFlags& flags) {
  CLI::App* cmd = app.add_subcommand("simulate", "simulate a contact-center day through the ACD: KPIs per interval");
  cmd->add_option("--config", flags.config_path, "day to simulate, TOML (see docs/examples/day.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--csv", flags.csv_path, "also write the KPIs per interval to this CSV file");
  cmd->add_option_function<std::uint64_t>(
      "--seed", [&flags](const std::uint64_t& seed) { flags.seed = seed; },
      "random seed (same seed, same day; default: [day] seed, else 1)");
  cmd->add_flag("--progress", flags.progress, "show the progress bar even when stderr is not a terminal");
  return cmd;
}

int RunSimulate(const SimulateFlags& flags) {
  std::ifstream in(flags.config_path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "rxdesk: cannot read %s\n", flags.config_path.c_str());
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto loaded = ParseDayToml(text.str(), flags.config_path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "rxdesk: %s\n", loaded.error().message.c_str());
    return 2;
  }
  std::ofstream csv;
  if (!flags.csv_path.empty()) {
    csv.open(flags.csv_path, std::ios::binary | std::ios::trunc);
    if (!csv) {
      std::fprintf(stderr, "rxdesk: cannot write %s\n", flags.csv_path.c_str());
      return 1;
    }
  }
  const std::uint64_t seed = flags.seed.value_or(loaded->seed.value_or(1));
  ProgressBar bar;
  std::function<void(double)> progress;
  if (flags.progress || isatty(STDERR_FILENO) == 1) progress = [&bar](double f) { bar(f); };
  auto result = sim::Simulate(loaded->config, seed, progress);
  if (!result.ok()) {
    std::fprintf(stderr, "rxdesk: simulation failed: %s\n", result.error().message.c_str());
    return 1;
  }
  PrintTables(loaded->config, *result, seed, flags.config_path);
  if (csv.is_open()) {
    WriteCsv(csv, loaded->config, *result);
    csv.close();
    if (!csv) {
      std::fprintf(stderr, "rxdesk: writing %s failed\n", flags.csv_path.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace rxdesk

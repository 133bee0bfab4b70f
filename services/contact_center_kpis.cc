#include "services/contact_center_kpis.h"

#include <algorithm>

namespace rxdesk {
namespace {

using std::chrono::milliseconds;

constexpr auto kMaxWindow = std::chrono::days{31};
constexpr std::int64_t kMaxIntervals = 2000;

AcdInstant Ms(std::int64_t v) { return AcdInstant{milliseconds{v}}; }
std::int64_t MsOf(Instant t) { return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count(); }

std::optional<AcdInstant> OptMs(const Row& r, std::size_t i) {
  if (r.IsNull(i)) return std::nullopt;
  return Ms(r.Int(i));
}

Result<bool> HasColumn(Connection& conn, const char* table, const char* column) {
  const char* sql = conn.dialect() == Dialect::kSqlite
                        ? "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?"
                        : "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() "
                          "AND table_name = ? AND column_name = ?";
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, {Value(table), Value(column)}));
  return rows.at(0).Int(0) > 0;
}

Result<bool> HasTable(Connection& conn, const char* table) {
  const char* sql = conn.dialect() == Dialect::kSqlite
                        ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
                        : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                          "AND table_name = ?";
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, {Value(table)}));
  return rows.at(0).Int(0) > 0;
}

std::optional<AgentState> ParseState(const std::string& s) {
  for (AgentState st :
       {AgentState::kAvailable, AgentState::kBusy, AgentState::kWrapUp, AgentState::kBreak, AgentState::kOffline}) {
    if (s == AgentStateName(st)) return st;
  }
  return std::nullopt;
}

}  // namespace

Result<KpiSnapshot> LoadKpis(Store& store, const Zone& zone, Instant now, const KpiQuery& q, const KpiTargets& targets,
                             const std::vector<std::string>& queues) {
  KpiSnapshot s;
  const Date today = zone.LocalDate(now);
  s.from = q.from.value_or(zone.ToInstant(today, std::chrono::seconds{0}));
  s.to = q.to.value_or(zone.ToInstant(today + std::chrono::days{1}, std::chrono::seconds{0}));
  s.as_of = now;
  s.interval = q.interval;
  s.targets = targets;
  if (s.to <= s.from) return InvalidField("to", "must be after from");
  if (s.to - s.from > kMaxWindow) return InvalidField("to", "the window may span at most 31 days");
  if (q.interval < std::chrono::minutes{1} || q.interval > std::chrono::minutes{1440}) {
    return InvalidField("interval", "must be 1 to 1440 minutes");
  }
  if ((s.to - s.from) / q.interval >= kMaxIntervals) return InvalidField("interval", "too many intervals");
  if (q.queue && std::find(queues.begin(), queues.end(), *q.queue) == queues.end()) {
    return InvalidField("queue", "no such queue");
  }

  std::vector<RoutedContact> contacts;
  std::vector<AgentStateChange> states;
  RXD_TRY(store.Read([&](Connection& conn) -> Status {
    RXD_ASSIGN_OR_RETURN(bool resolved, HasColumn(conn, "contacts", "resolved"));
    RXD_ASSIGN_OR_RETURN(bool fcr, HasColumn(conn, "contacts", "fcr"));
    RXD_ASSIGN_OR_RETURN(s.csat_available, HasTable(conn, "csat_surveys"));
    s.fcr_available = resolved && fcr;
    std::string sql =
        "SELECT r.queue, COALESCE(r.agent_id, ''), r.enqueued_at, r.assigned_at, r.ended_at, r.wrap_up_until, "
        "r.abandoned_at";
    sql += s.fcr_available ? ", c.resolved, c.fcr" : ", NULL, NULL";
    sql += s.csat_available ? ", (SELECT MAX(v.score) FROM csat_surveys v WHERE v.contact_id = r.contact_id AND "
                              "v.score IS NOT NULL)"
                            : ", NULL";
    sql += " FROM cc_routing r JOIN contacts c ON c.id = r.contact_id WHERE r.enqueued_at >= ? AND r.enqueued_at < ?";
    RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, {Value(MsOf(s.from)), Value(MsOf(s.to))}));
    for (const Row& r : rows) {
      RoutedContact c;
      c.queue = r.Text(0);
      c.agent = r.Text(1);
      c.enqueued_at = Ms(r.Int(2));
      c.assigned_at = OptMs(r, 3);
      c.ended_at = OptMs(r, 4);
      c.wrap_up_until = OptMs(r, 5);
      c.abandoned_at = OptMs(r, 6);
      if (!r.IsNull(7)) c.resolved = r.Int(7) != 0;
      if (!r.IsNull(8)) c.first_contact_resolved = r.Int(8) != 0;
      if (!r.IsNull(9)) c.csat = static_cast<int>(r.Int(9));
      contacts.push_back(std::move(c));
    }
    // Each agent's state at `from` (its last change before), then the changes in the window.
    RXD_ASSIGN_OR_RETURN(
        Rows st, conn.Query("SELECT s.user_id, s.state, s.at FROM cc_agent_states s WHERE s.at >= ? AND s.at < ? "
                            "UNION ALL SELECT s.user_id, s.state, s.at FROM cc_agent_states s WHERE s.seq = "
                            "(SELECT MAX(t.seq) FROM cc_agent_states t WHERE t.user_id = s.user_id AND t.at < ?)",
                            {Value(MsOf(s.from)), Value(MsOf(s.to)), Value(MsOf(s.from))}));
    for (const Row& r : st) {
      if (auto state = ParseState(r.Text(1))) states.push_back({r.Text(0), *state, Ms(r.Int(2))});
    }
    RXD_ASSIGN_OR_RETURN(Rows names,
                         conn.Query("SELECT id, username FROM users WHERE role IN ('agent', 'pharmacist')"));
    for (const Row& r : names) s.agent_names[r.Text(0)] = r.Text(1);
    return OkStatus();
  }));
  const KpiWindow window{.from = AcdInstant{s.from},
                         .to = AcdInstant{s.to},
                         .now = AcdInstant{now},
                         .interval = q.interval,
                         .queue = q.queue,
                         .agent = q.agent};
  RXD_ASSIGN_OR_RETURN(
      s.report,
      ComputeKpis(contacts, states, window, KpiParams{.answer_target = std::chrono::seconds{targets.answer_target_s}}));
  return s;
}

}  // namespace rxdesk

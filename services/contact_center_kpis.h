// The contact center's KPIs read from the store (PRODUCT.md §9): the routed
// contacts and agent state changes of a window, with resolution and surveys once
// the store records them, computed by domain/kpi.h.
//
//   RXD_ASSIGN_OR_RETURN(KpiSnapshot s, LoadKpis(store, zone, clock.Now(), {.queue = "refills_delivery"},
//                                               KpiTargets{}, {"refills_delivery", ...}));
//   Show(s.report.total.ServiceLevel(), s.targets.service_level_percent);
//
// FCR reads contacts.resolved and contacts.fcr, CSAT reads csat_surveys: both
// are null (fcr_available / csat_available false) while the schema lacks them.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/kpi.h"
#include "domain/zone.h"
#include "store/store.h"

namespace rxdesk {

struct KpiTargets {
  int answer_target_s = 20;         // (config) PRODUCT.md §9
  int service_level_percent = 80;   // (config)
  int aht_min_s = 360;              // (config) 6–12 min
  int aht_max_s = 720;              // (config)
  int fcr_percent = 70;             // (config) 70–85%
  int csat_percent = 80;            // (config) 80–95%
  int adherence_percent = 90;       // (config) 90–95%
  int abandonment_max_percent = 5;  // (config) shown live; a common ceiling
  int occupancy_max_percent = 85;   // (config) shown live; above it agents burn out
};

struct KpiQuery {
  std::optional<Instant> from;  // default: start of today (operator's zone)
  std::optional<Instant> to;    // default: start of tomorrow
  std::optional<std::string> queue;
  std::optional<std::string> agent;
  std::chrono::minutes interval{30};
};

struct KpiSnapshot {
  Instant from;
  Instant to;
  Instant as_of;
  std::chrono::minutes interval{30};
  KpiReport report;
  std::map<std::string, std::string> agent_names;  // user id -> username
  bool fcr_available = false;                      // the store records resolution (contacts.resolved, contacts.fcr)
  bool csat_available = false;                     // the store records surveys (csat_surveys)
  KpiTargets targets;
};

// Refusal: invalid_request naming "from"/"to" (to not after from, window over
// 31 days), "queue" (not in `queues`), "interval" (1–1440 minutes, at most 2,000
// intervals); the store's errors.
Result<KpiSnapshot> LoadKpis(Store& store, const Zone& zone, Instant now, const KpiQuery& query,
                             const KpiTargets& targets, const std::vector<std::string>& queues);

}  // namespace rxdesk

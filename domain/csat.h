// Customer satisfaction surveys (PRODUCT.md sections 8 and 9): one per closed
// contact, answered once with a score of 1 to 5, by a link sent to the member
// or in the channel (agent desk, IVR, chat); a link expires after N days.
//
//   RXD_TRY(ValidateCsatScore(score));
//   const Instant expires = SurveyExpiresAt(closed_at, SurveyPolicy{});
//   if (now >= expires) return Gone();
//   const bool satisfied = IsSatisfied(score);   // what the CSAT KPI counts
#pragma once

#include <chrono>
#include <cstdint>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

struct SurveyPolicy {
  int expire_days = 14;                  // (config) how long a survey link can be answered
  std::size_t max_comment_bytes = 1000;  // a comment is a sentence or two, not a letter
};

inline constexpr std::int64_t kMinCsatScore = 1;
inline constexpr std::int64_t kMaxCsatScore = 5;

// Refusal: invalid_request naming "score" outside 1..5.
Status ValidateCsatScore(std::int64_t score);

// The first instant at which the survey no longer takes an answer.
constexpr Instant SurveyExpiresAt(Instant created_at, const SurveyPolicy& policy) {
  return created_at + std::chrono::days{policy.expire_days};
}

// PRODUCT.md section 9: CSAT is the share of 4 and 5 answers.
constexpr bool IsSatisfied(std::int64_t score) { return score >= 4; }

}  // namespace rxdesk

#include "domain/csat.h"

namespace rxdesk {

Status ValidateCsatScore(std::int64_t score) {
  if (score < kMinCsatScore || score > kMaxCsatScore) return InvalidField("score", "must be an integer from 1 to 5");
  return OkStatus();
}

}  // namespace rxdesk

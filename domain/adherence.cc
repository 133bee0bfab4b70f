#include "domain/adherence.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <vector>

namespace rxdesk {
namespace {

using DayNumber = std::int64_t;  // days since the epoch

DayNumber Day(Date d) { return d.time_since_epoch().count(); }
Date FromDay(DayNumber n) { return Date{Days{n}}; }

// Members have a handful of fills a year: sorting copies live on the stack up to
// this many, so a typical member costs no allocation.
constexpr std::size_t kInlineFills = 64;

template <typename T>
class ScratchBuffer {
 public:
  explicit ScratchBuffer(std::size_t n) : size_(n) {
    if (n > kInlineFills) heap_.resize(n);
  }
  std::span<T> span() { return size_ > kInlineFills ? std::span<T>(heap_) : std::span<T>(local_.data(), size_); }

 private:
  std::size_t size_;
  std::array<T, kInlineFills> local_{};
  std::vector<T> heap_;
};

struct Stretch {
  DayNumber begin;
  DayNumber end;  // exclusive
};

// Walks one drug's fills in date order. Each fill starts on its date or, if the
// previous supply has not run out, the day it runs out (PQA: overlapping fills
// shift forward). Calls emit(begin, end) for the part of each fill's supply
// inside [first, end_excl); fills dated outside the period are skipped. Returns
// the first day after all the supply, not truncated.
template <typename Emit>
DayNumber ShiftedChain(std::span<const AdherenceFill> fills, DayNumber first, DayNumber end_excl, Emit&& emit) {
  DayNumber runs_out = std::numeric_limits<DayNumber>::min();
  for (const AdherenceFill& fill : fills) {
    const DayNumber date = Day(fill.date);
    if (date < first || date >= end_excl) continue;
    const DayNumber start = std::max(date, runs_out);
    runs_out = start + fill.days_supply;
    if (start < end_excl) emit(start, std::min(runs_out, end_excl));
  }
  return runs_out;
}

}  // namespace

Result<PdcMeasure> ComputePdc(MeasurementPeriod period, std::span<const AdherenceFill> fills,
                              const AdherencePolicy& policy) {
  if (period.last < period.first) return InvalidField("period", "the measurement period ends before it starts");
  const DayNumber first = Day(period.first);
  const DayNumber end_excl = Day(period.last) + 1;

  // One pass: validate, and learn what the fills in the period look like.
  PdcMeasure m;
  DayNumber index = std::numeric_limits<DayNumber>::max();
  DayNumber first_date = 0;
  DayNumber previous = std::numeric_limits<DayNumber>::min();
  std::uint32_t first_drug = 0;
  bool sorted = true;
  bool one_drug = true;
  bool one_date = true;
  for (std::size_t i = 0; i < fills.size(); ++i) {
    const AdherenceFill& fill = fills[i];
    if (fill.days_supply < 1 || fill.days_supply > policy.max_days_supply) {
      return InvalidField("fills[" + std::to_string(i) + "].days_supply",
                          "days supply must be 1 to " + std::to_string(policy.max_days_supply));
    }
    const DayNumber date = Day(fill.date);
    if (date < first || date >= end_excl) continue;
    if (m.fills_in_period == 0) {
      first_date = date;
      first_drug = fill.drug;
    }
    one_date = one_date && date == first_date;
    one_drug = one_drug && fill.drug == first_drug;
    sorted = sorted && date >= previous;
    previous = date;
    index = std::min(index, date);
    ++m.fills_in_period;
  }
  if (m.fills_in_period == 0) return m;

  m.measured = !one_date;  // PQA: at least two fills on different dates of service
  m.index_date = FromDay(index);
  m.treatment_days = static_cast<int>(end_excl - index);

  DayNumber covered = 0;
  DayNumber runs_out = 0;
  auto count = [&covered](DayNumber begin, DayNumber end) { covered += end - begin; };
  if (sorted && one_drug) {
    runs_out = ShiftedChain(fills, first, end_excl, count);  // the common case: no copy
  } else {
    ScratchBuffer<AdherenceFill> copy_buffer(static_cast<std::size_t>(m.fills_in_period));
    const std::span<AdherenceFill> copy = copy_buffer.span();
    std::copy_if(fills.begin(), fills.end(), copy.begin(), [&](const AdherenceFill& f) {
      const DayNumber d = Day(f.date);
      return d >= first && d < end_excl;
    });
    std::sort(copy.begin(), copy.end(), [](const AdherenceFill& a, const AdherenceFill& b) {
      return a.drug != b.drug ? a.drug < b.drug : a.date < b.date;
    });
    if (one_drug) {
      runs_out = ShiftedChain(copy, first, end_excl, count);
    } else {
      // Each drug shifts on its own; then a day covered by any drug counts once.
      ScratchBuffer<Stretch> stretch_buffer(copy.size());
      const std::span<Stretch> stretches = stretch_buffer.span();
      std::size_t n = 0;
      runs_out = std::numeric_limits<DayNumber>::min();
      for (std::size_t begin = 0; begin < copy.size();) {
        std::size_t end = begin;
        while (end < copy.size() && copy[end].drug == copy[begin].drug) ++end;
        const DayNumber drug_runs_out = ShiftedChain(copy.subspan(begin, end - begin), first, end_excl,
                                                     [&](DayNumber b, DayNumber e) { stretches[n++] = Stretch{b, e}; });
        runs_out = std::max(runs_out, drug_runs_out);
        begin = end;
      }
      std::sort(stretches.begin(), stretches.begin() + static_cast<std::ptrdiff_t>(n),
                [](const Stretch& a, const Stretch& b) { return a.begin < b.begin; });
      DayNumber reached = std::numeric_limits<DayNumber>::min();  // union so far ends here
      for (std::size_t i = 0; i < n; ++i) {
        const DayNumber begin = std::max(stretches[i].begin, reached);
        if (stretches[i].end > begin) covered += stretches[i].end - begin;
        reached = std::max(reached, stretches[i].end);
      }
    }
  }
  m.covered_days = static_cast<int>(covered);
  m.supply_runs_out = FromDay(runs_out);
  // Exact comparison: covered/treatment >= threshold/100.
  m.adherent = m.measured && static_cast<std::int64_t>(m.covered_days) * 100 >=
                                 static_cast<std::int64_t>(policy.adherent_threshold_percent) * m.treatment_days;
  return m;
}

AdherenceRisk AssessAdherenceRisk(const PdcMeasure& pdc, Date today, const AdherencePolicy& policy) {
  AdherenceRisk risk;
  bool late = false;
  if (pdc.supply_runs_out) {
    const int days_past = DaysBetween(*pdc.supply_runs_out, today);
    risk.days_late = std::max(days_past, 0);
    late = days_past > policy.late_refill_grace_days;
  }
  const bool low = pdc.measured && !pdc.adherent;
  if (late && low) {
    risk.reason = RiskReason::kLateRefillAndLowPdc;
  } else if (late) {
    risk.reason = RiskReason::kLateRefill;
  } else if (low) {
    risk.reason = RiskReason::kLowPdc;
  }
  return risk;
}

}  // namespace rxdesk

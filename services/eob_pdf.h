// The monthly Explanation of Benefits (PRODUCT.md §5) as a PDF, drawn with libharu.
//
//   EobStatement s;                       // filled by PartDService::Statement
//   s.member_name = "María José Núñez";
//   s.month = 2026y / std::chrono::March;
//   s.lines.push_back({.fill_date = MakeDate(2026, 3, 2), .drug = "atorvastatin 20 mg", ...});
//   RXD_ASSIGN_OR_RETURN(std::string pdf, RenderEobPdf(s));   // bytes of application/pdf
//
// Contract: the document names the member and their member number, the period,
// each fill (date, drug, Rx number, drug cost, plan paid, member paid), the
// month's totals, the year's totals through the month's end and, for a Part D
// member, the true out-of-pocket spending towards the deductible and the
// out-of-pocket threshold. A month without fills says so. Amounts print as
// "$1,234.56". Text is set in the PDF standard Helvetica with WinAnsi encoding:
// Latin-1 letters (á, ñ, ü, ç, …) print as themselves; any other character
// prints as "?" (the PDF embeds no font, which keeps it small and fast).
// Thread-safe: each call builds its own document.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain/money.h"
#include "domain/part_d.h"
#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

struct EobLine {
  Date fill_date{};
  std::string drug;  // name and strength
  std::string rx_number;
  Cents drug_cost{};
  Cents plan_paid{};
  Cents member_paid{};
};

struct EobTotals {
  std::int64_t fills = 0;
  Cents drug_cost{};
  Cents plan_paid{};
  Cents member_paid{};

  bool operator==(const EobTotals&) const = default;
};

// Where a Part D member stands after the month (the year's parameters and TrOOP).
struct EobPartDProgress {
  std::int64_t year = 0;
  Cents out_of_pocket{};  // TrOOP at the month's end
  Cents deductible{};     // $0 with the full Low-Income Subsidy
  Cents out_of_pocket_threshold{};
  bool low_income_subsidy = false;
  PartDPhase phase = PartDPhase::kDeductible;
};

struct EobStatement {
  std::string member_id;  // opaque id (for the audit trail; never printed)
  std::string member_name;
  std::string member_number;
  std::string plan_name;  // "" when the member has no plan
  std::chrono::year_month month{};
  Date issued_on{};
  std::vector<EobLine> lines;  // the month's fills in date order
  EobTotals month_totals;
  EobTotals year_to_date;  // January 1 through the month's last day
  std::optional<EobPartDProgress> part_d;
};

// Renders the statement. Refusal: pdf_failed (libharu reported an error; the
// message carries its code, never the statement's text).
Result<std::string> RenderEobPdf(const EobStatement& statement);

// UTF-8 to Windows-1252 for the PDF's standard fonts: characters it lacks, control
// characters and malformed UTF-8 become '?'.
std::string ToWinAnsi(std::string_view utf8);

}  // namespace rxdesk

#include "services/eob_pdf.h"

#include <hpdf.h>

#include <array>
#include <cstdio>
#include <memory>

namespace rxdesk {
namespace {

// US Letter, in points.
constexpr float kPageWidth = 612;
constexpr float kPageHeight = 792;
constexpr float kMargin = 54;
constexpr float kRowHeight = 14;
constexpr float kBottom = 72;  // the footer lives below

// Table columns: left edges of the text columns, right edges of the amounts.
constexpr float kDateX = kMargin;
constexpr float kDrugX = 122;
constexpr float kDrugWidth = 178;
constexpr float kRxX = 306;
constexpr float kCostRight = 424;
constexpr float kPlanRight = 492;
constexpr float kMemberRight = kPageWidth - kMargin;

constexpr std::array<const char*, 12> kMonthNames = {"January",   "February", "March",    "April",
                                                     "May",       "June",     "July",     "August",
                                                     "September", "October",  "November", "December"};

// Windows-1252 bytes 0x80–0x9F and the code points they stand for (0 = unused).
constexpr std::array<char32_t, 32> kCp1252High = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char WinAnsiByte(char32_t cp) {
  if (cp >= 0x20 && cp < 0x7F) return static_cast<char>(cp);
  if (cp >= 0xA0 && cp <= 0xFF) return static_cast<char>(static_cast<unsigned char>(cp));
  for (std::size_t i = 0; i < kCp1252High.size(); ++i) {
    if (kCp1252High[i] != 0 && kCp1252High[i] == cp) return static_cast<char>(0x80 + i);
  }
  return '?';
}

std::string LongDate(Date d) {
  const std::chrono::year_month_day ymd{d};
  return std::string(kMonthNames[static_cast<unsigned>(ymd.month()) - 1]) + " " +
         std::to_string(static_cast<unsigned>(ymd.day())) + ", " + std::to_string(static_cast<int>(ymd.year()));
}

std::string ShortDate(Date d) {
  const std::chrono::year_month_day ymd{d};
  char text[16];
  std::snprintf(text, sizeof text, "%02u/%02u/%04d", static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(ymd.year()));
  return text;
}

std::string MonthName(std::chrono::year_month m) {
  return std::string(kMonthNames[static_cast<unsigned>(m.month()) - 1]) + " " +
         std::to_string(static_cast<int>(m.year()));
}

std::string FillCount(std::int64_t n) { return std::to_string(n) + (n == 1 ? " fill" : " fills"); }

std::string_view PhaseText(PartDPhase phase) {
  switch (phase) {
    case PartDPhase::kDeductible:
      return "deductible";
    case PartDPhase::kInitial:
      return "initial coverage (you pay 25% of covered drug costs)";
    case PartDPhase::kCatastrophic:
      return "catastrophic coverage (you pay $0 for covered drugs)";
  }
  return "";
}

// The first libharu error of a document (its handler records it; calls after it are no-ops).
struct ErrorState {
  HPDF_STATUS error = HPDF_OK;
  HPDF_STATUS detail = 0;
};

void OnError(HPDF_STATUS error, HPDF_STATUS detail, void* user_data) {
  auto* state = static_cast<ErrorState*>(user_data);
  if (state->error == HPDF_OK) {
    state->error = error;
    state->detail = detail;
  }
}

// Draws the statement page by page, starting a new page when a row would not fit.
class Writer {
 public:
  Writer(HPDF_Doc doc, const EobStatement& s) : doc_(doc), s_(s) {
    regular_ = HPDF_GetFont(doc_, "Helvetica", "WinAnsiEncoding");
    bold_ = HPDF_GetFont(doc_, "Helvetica-Bold", "WinAnsiEncoding");
  }

  void Draw() {
    NewPage();
    Text(bold_, 18, kMargin, y_, "Explanation of Benefits");
    y_ -= 16;
    Text(regular_, 9, kMargin, y_, "This is not a bill. It explains what your plan paid for your prescriptions.");
    y_ -= 24;
    const std::chrono::year_month_day first{s_.month / std::chrono::day{1}};
    const std::chrono::year_month_day last{s_.month / std::chrono::last};
    Field("Member", s_.member_name);
    Field("Member number", s_.member_number);
    if (!s_.plan_name.empty()) Field("Plan", s_.plan_name);
    Field("Period", LongDate(Date{first}) + " \xE2\x80\x93 " + LongDate(Date{last}));
    Field("Issued", LongDate(s_.issued_on));
    y_ -= 10;

    Heading("Prescriptions filled in " + MonthName(s_.month));
    if (s_.lines.empty()) {
      Text(regular_, 10, kMargin, y_, "No prescriptions were filled in " + MonthName(s_.month) + ".");
      y_ -= kRowHeight;
    } else {
      TableHeader();
      for (const EobLine& line : s_.lines) {
        if (y_ < kBottom + kRowHeight) {
          NewPage();
          TableHeader();
        }
        Text(regular_, 9, kDateX, y_, ShortDate(line.fill_date));
        WinAnsiText(regular_, 9, kDrugX, y_, Fit(line.drug, kDrugWidth, 9));
        Text(regular_, 9, kRxX, y_, line.rx_number);
        Amounts(regular_, line.drug_cost, line.plan_paid, line.member_paid);
        y_ -= kRowHeight;
      }
      Rule();
      Text(bold_, 9, kDateX, y_, "Total for " + MonthName(s_.month) + " (" + FillCount(s_.month_totals.fills) + ")");
      Amounts(bold_, s_.month_totals.drug_cost, s_.month_totals.plan_paid, s_.month_totals.member_paid);
      y_ -= kRowHeight;
    }
    y_ -= 12;

    Room(5 * kRowHeight);
    Heading("Year to date (" + LongDate(Date{std::chrono::year_month_day{s_.month.year() / 1 / 1}}) + " \xE2\x80\x93 " +
            LongDate(Date{last}) + ")");
    Field("Prescriptions filled", std::to_string(s_.year_to_date.fills));
    Field("Total drug cost", FormatDollars(s_.year_to_date.drug_cost));
    Field("Your plan paid", FormatDollars(s_.year_to_date.plan_paid));
    Field("You paid", FormatDollars(s_.year_to_date.member_paid));
    y_ -= 10;

    if (s_.part_d) {
      const EobPartDProgress& p = *s_.part_d;
      Room(6 * kRowHeight);
      Heading("Your Medicare Part D progress in " + std::to_string(p.year));
      Field("Your out-of-pocket costs", FormatDollars(p.out_of_pocket));
      if (p.low_income_subsidy) {
        Field("Deductible", "none: you get Extra Help (Low-Income Subsidy)");
      } else {
        const Cents met = Min(p.out_of_pocket, p.deductible);
        Field("Deductible", FormatDollars(met) + " of " + FormatDollars(p.deductible) +
                                (met >= p.deductible ? " met" : " met so far"));
      }
      const Cents left = Max(Cents{0}, p.out_of_pocket_threshold - p.out_of_pocket);
      Field("Out-of-pocket threshold", FormatDollars(Min(p.out_of_pocket, p.out_of_pocket_threshold)) + " of " +
                                           FormatDollars(p.out_of_pocket_threshold) +
                                           (left == Cents{0} ? " reached" : " (" + FormatDollars(left) + " to go)"));
      Field("Current phase", std::string(PhaseText(p.phase)));
      Text(regular_, 9, kMargin, y_,
           "Once your out-of-pocket costs reach " + FormatDollars(p.out_of_pocket_threshold) +
               ", you pay $0 for covered drugs for the rest of " + std::to_string(p.year) + ".");
      y_ -= kRowHeight;
    }
    EndPage();
  }

 private:
  void NewPage() {
    EndPage();
    page_ = HPDF_AddPage(doc_);
    HPDF_Page_SetWidth(page_, kPageWidth);
    HPDF_Page_SetHeight(page_, kPageHeight);
    ++page_number_;
    y_ = kPageHeight - kMargin - 14;
    if (page_number_ > 1) {
      Text(bold_, 12, kMargin, y_, "Explanation of Benefits, " + MonthName(s_.month) + " (continued)");
      y_ -= 24;
    }
  }

  void EndPage() {
    if (page_ == nullptr) return;
    Text(regular_, 8, kMargin, kBottom - 30,
         "Questions? Call member services at the number on your member ID card. Page " + std::to_string(page_number_));
    page_ = nullptr;
  }

  // Starts a new page unless `height` points still fit on this one.
  void Room(float height) {
    if (y_ - height < kBottom) NewPage();
  }

  void Text(HPDF_Font font, float size, float x, float y, const std::string& utf8) {
    WinAnsiText(font, size, x, y, ToWinAnsi(utf8));
  }

  void WinAnsiText(HPDF_Font font, float size, float x, float y, const std::string& text) {
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font, size);
    HPDF_Page_TextOut(page_, x, y, text.c_str());
    HPDF_Page_EndText(page_);
  }

  void RightText(HPDF_Font font, float size, float right, float y, const std::string& ascii) {
    HPDF_Page_SetFontAndSize(page_, font, size);
    Text(font, size, right - HPDF_Page_TextWidth(page_, ascii.c_str()), y, ascii);
  }

  void Amounts(HPDF_Font font, Cents cost, Cents plan, Cents member) {
    RightText(font, 9, kCostRight, y_, FormatDollars(cost));
    RightText(font, 9, kPlanRight, y_, FormatDollars(plan));
    RightText(font, 9, kMemberRight, y_, FormatDollars(member));
  }

  void Field(const std::string& label, const std::string& value) {
    Text(bold_, 10, kMargin, y_, label + ":");
    Text(regular_, 10, kMargin + 150, y_, value);
    y_ -= kRowHeight;
  }

  void Heading(const std::string& title) {
    Text(bold_, 12, kMargin, y_, title);
    y_ -= 18;
  }

  void TableHeader() {
    Text(bold_, 9, kDateX, y_, "Date");
    Text(bold_, 9, kDrugX, y_, "Drug");
    Text(bold_, 9, kRxX, y_, "Rx number");
    RightText(bold_, 9, kCostRight, y_, "Drug cost");
    RightText(bold_, 9, kPlanRight, y_, "Plan paid");
    RightText(bold_, 9, kMemberRight, y_, "You paid");
    y_ -= 4;
    Rule();
  }

  void Rule() {
    HPDF_Page_SetLineWidth(page_, 0.5F);
    HPDF_Page_MoveTo(page_, kMargin, y_);
    HPDF_Page_LineTo(page_, kPageWidth - kMargin, y_);
    HPDF_Page_Stroke(page_);
    y_ -= kRowHeight - 2;
  }

  // `utf8` in WinAnsi, shortened with "..." until it fits `width` points at `size`.
  std::string Fit(const std::string& utf8, float width, float size) {
    std::string text = ToWinAnsi(utf8);
    HPDF_Page_SetFontAndSize(page_, regular_, size);
    if (HPDF_Page_TextWidth(page_, text.c_str()) <= width) return text;
    while (!text.empty() && HPDF_Page_TextWidth(page_, (text + "...").c_str()) > width) text.pop_back();
    return text + "...";
  }

 private:
  HPDF_Doc doc_;
  const EobStatement& s_;
  HPDF_Font regular_ = nullptr;
  HPDF_Font bold_ = nullptr;
  HPDF_Page page_ = nullptr;
  int page_number_ = 0;
  float y_ = 0;
};

}  // namespace

std::string ToWinAnsi(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(utf8[k]); };
    const unsigned char lead = byte(i);
    int length = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
      length = 1;
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      cp = lead & 0x07;
    }
    bool valid = length > 0 && i + length <= utf8.size();
    for (int k = 1; valid && k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) {
        valid = false;
      } else {
        cp = (cp << 6) | (byte(i + k) & 0x3F);
      }
    }
    // Overlong forms and surrogates are malformed.
    static constexpr std::array<char32_t, 5> kLeast = {0, 0, 0x80, 0x800, 0x10000};
    if (valid && (cp < kLeast[length] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)) valid = false;
    if (!valid) {
      out += '?';
      ++i;
      continue;
    }
    out += WinAnsiByte(cp);
    i += length;
  }
  return out;
}

Result<std::string> RenderEobPdf(const EobStatement& statement) {
  ErrorState errors;
  const std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, void (*)(HPDF_Doc)> doc(HPDF_New(OnError, &errors), HPDF_Free);
  if (!doc) return MakeError("pdf_failed", "cannot create a PDF document");
  HPDF_SetCompressionMode(doc.get(), HPDF_COMP_ALL);
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_TITLE, "Explanation of Benefits");
  HPDF_SetInfoAttr(doc.get(), HPDF_INFO_CREATOR, "rxdesk");
  Writer(doc.get(), statement).Draw();
  if (errors.error == HPDF_OK) HPDF_SaveToStream(doc.get());
  if (errors.error != HPDF_OK) {
    char code[48];
    std::snprintf(code, sizeof code, "0x%04X/%u", static_cast<unsigned>(errors.error),
                  static_cast<unsigned>(errors.detail));
    return MakeError("pdf_failed", std::string("the PDF library failed (") + code + ")");
  }
  std::string bytes(HPDF_GetStreamSize(doc.get()), '\0');
  HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
  HPDF_ResetStream(doc.get());
  // Reading exactly to the end may answer HPDF_STREAM_EOF: what counts is the size read.
  const HPDF_STATUS read = HPDF_ReadFromStream(doc.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
  if ((read != HPDF_OK && read != HPDF_STREAM_EOF) || size != bytes.size() || bytes.empty()) {
    return MakeError("pdf_failed", "cannot read the rendered PDF");
  }
  return bytes;
}

}  // namespace rxdesk

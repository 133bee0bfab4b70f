#include "app/seed.h"
#include "app/seed_benefits.h"

#include <array>
#include <cstdio>

#include "domain/member_number.h"
#include "domain/reference_number.h"
#include "domain/rx_number.h"
#include "domain/shipping.h"
#include "infra/crypto.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/auth_service.h"
#include "services/fill_pricing.h"
#include "services/member_service.h"
#include "services/order_service.h"

namespace rxdesk {
namespace {

// A small deterministic generator (splitmix64): the same seed gives the same
// data on every machine, unlike std:: distributions.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  template <typename T, std::size_t N>
  const T& Pick(const std::array<T, N>& a) { return a[static_cast<std::size_t>(Below(static_cast<int>(N)))]; }

 private:
  std::uint64_t state_;
};

struct SeedDrug {
  const char* ndc;
  const char* name;
  const char* strength;
  const char* form;
  const char* schedule;
  bool generic;
  bool maintenance;
  int days_supply;
};

// Real drug names with NDC-shaped codes (labeler 99999 is not assigned: these are synthetic codes).
constexpr std::array<SeedDrug, 24> kDrugs{{
    {"99999-0101-01", "atorvastatin", "20 mg", "tablet", "none", true, true, 90},
    {"99999-0102-01", "lisinopril", "10 mg", "tablet", "none", true, true, 90},
    {"99999-0103-01", "metformin", "500 mg", "tablet", "none", true, true, 90},
    {"99999-0104-01", "levothyroxine", "50 mcg", "tablet", "none", true, true, 90},
    {"99999-0105-01", "amlodipine", "5 mg", "tablet", "none", true, true, 90},
    {"99999-0106-01", "sertraline", "50 mg", "tablet", "none", true, true, 30},
    {"99999-0107-01", "omeprazole", "20 mg", "capsule", "none", true, true, 30},
    {"99999-0108-01", "simvastatin", "40 mg", "tablet", "none", true, true, 90},
    {"99999-0109-01", "warfarin", "5 mg", "tablet", "none", true, true, 30},
    {"99999-0110-01", "losartan", "50 mg", "tablet", "none", true, true, 90},
    {"99999-0111-01", "metoprolol succinate", "25 mg", "tablet", "none", true, true, 90},
    {"99999-0112-01", "insulin glargine", "100 units/mL", "injection", "none", false, true, 30},
    {"99999-0113-01", "sildenafil", "20 mg", "tablet", "none", true, false, 30},
    {"99999-0114-01", "isosorbide mononitrate", "30 mg", "tablet", "none", true, true, 30},
    {"99999-0115-01", "clarithromycin", "500 mg", "tablet", "none", true, false, 10},
    {"99999-0116-01", "methotrexate", "2.5 mg", "tablet", "none", true, true, 28},
    {"99999-0117-01", "fluoxetine", "20 mg", "capsule", "none", true, true, 30},
    {"99999-0118-01", "ibuprofen", "800 mg", "tablet", "none", true, false, 30},
    {"99999-0201-01", "oxycodone", "5 mg", "tablet", "II", true, false, 7},
    {"99999-0202-01", "buprenorphine-naloxone", "8 mg/2 mg", "film", "III", false, true, 30},
    {"99999-0203-01", "alprazolam", "0.5 mg", "tablet", "IV", true, false, 30},
    {"99999-0204-01", "zolpidem", "10 mg", "tablet", "IV", true, false, 30},
    {"99999-0205-01", "tramadol", "50 mg", "tablet", "IV", true, false, 30},
    {"99999-0206-01", "pregabalin", "75 mg", "capsule", "V", true, true, 30},
}};

struct Place {
  const char* city;
  const char* state;
  const char* zip;
};

// One real city and ZIP per state, DC, the territories and the military codes.
constexpr std::array<Place, 59> kPlaces{{
    {"Montgomery", "AL", "36104"}, {"Juneau", "AK", "99801"},      {"Phoenix", "AZ", "85004"},
    {"Little Rock", "AR", "72201"}, {"Sacramento", "CA", "95814"}, {"Denver", "CO", "80202"},
    {"Hartford", "CT", "06103"},   {"Dover", "DE", "19901"},       {"Tallahassee", "FL", "32301"},
    {"Atlanta", "GA", "30303"},    {"Honolulu", "HI", "96813"},    {"Boise", "ID", "83702"},
    {"Springfield", "IL", "62701"}, {"Indianapolis", "IN", "46204"}, {"Des Moines", "IA", "50309"},
    {"Topeka", "KS", "66603"},     {"Frankfort", "KY", "40601"},   {"Baton Rouge", "LA", "70802"},
    {"Augusta", "ME", "04330"},    {"Annapolis", "MD", "21401"},   {"Boston", "MA", "02108"},
    {"Lansing", "MI", "48933"},    {"Saint Paul", "MN", "55102"},  {"Jackson", "MS", "39201"},
    {"Jefferson City", "MO", "65101"}, {"Helena", "MT", "59601"},  {"Lincoln", "NE", "68508"},
    {"Carson City", "NV", "89701"}, {"Concord", "NH", "03301"},    {"Trenton", "NJ", "08608"},
    {"Santa Fe", "NM", "87501"},   {"Albany", "NY", "12207"},      {"Raleigh", "NC", "27601"},
    {"Bismarck", "ND", "58501"},   {"Columbus", "OH", "43215"},    {"Oklahoma City", "OK", "73102"},
    {"Salem", "OR", "97301"},      {"Harrisburg", "PA", "17101"},  {"Providence", "RI", "02903"},
    {"Columbia", "SC", "29201"},   {"Pierre", "SD", "57501"},      {"Nashville", "TN", "37219"},
    {"Austin", "TX", "78701"},     {"Salt Lake City", "UT", "84111"}, {"Montpelier", "VT", "05602"},
    {"Richmond", "VA", "23219"},   {"Olympia", "WA", "98501"},     {"Charleston", "WV", "25301"},
    {"Madison", "WI", "53703"},    {"Cheyenne", "WY", "82001"},    {"Washington", "DC", "20001"},
    {"San Juan", "PR", "00901"},   {"Hagatna", "GU", "96910"},     {"Charlotte Amalie", "VI", "00802"},
    {"Pago Pago", "AS", "96799"},  {"Saipan", "MP", "96950"},      {"APO", "AE", "09012"},
    {"FPO", "AP", "96349"},        {"DPO", "AA", "34001"},
}};

constexpr std::array<const char*, 24> kFirstNames{
    "Maria", "James", "Ana", "Robert", "Linda", "Jose", "Patricia", "Michael", "Mei", "David", "Fatima", "William",
    "Aisha", "Carlos", "Nguyen", "Elena", "Samuel", "Grace", "Ahmed", "Olivia", "Luis", "Hannah", "Kenji", "Rosa"};
constexpr std::array<const char*, 24> kLastNames{
    "Garcia", "Smith", "Johnson", "Rivera", "Nguyen", "Brown", "Martinez", "Davis", "Lopez", "Wilson", "Kim", "Patel",
    "Anderson", "Thomas", "Hernandez", "Moore", "Jackson", "Lee", "Perez", "White", "Harris", "Clark", "Lewis", "Young"};
constexpr std::array<const char*, 12> kStreets{"Main St", "Oak Ave", "Pine St", "Maple Dr", "Cedar Ln", "Elm St",
                                               "Lakeview Rd", "Hillcrest Ave", "Park Blvd", "River Rd", "Sunset Dr",
                                               "Washington Ave"};
constexpr std::array<const char*, 7> kOrderStates{"received", "in_review", "filled", "shipped",
                                                  "delivered", "cancelled", "returned"};

constexpr char kDemoPassword[] = "rxdesk-demo-2026";

}  // namespace

Result<SeedReport> SeedDemo(Runtime& rt, const SeedOptions& options) {
  Store& store = *rt.store;
  const PhiVault& vault = *rt.vault;
  const Instant now = rt.clock.Now();
  const Date today = rt.zone->LocalDate(now);
  const std::string now_text = FormatInstant(now);
  SeedReport report;

  RXD_ASSIGN_OR_RETURN(Rows existing, store.Read([](Connection& c) { return c.Query("SELECT COUNT(*) FROM users"); }));
  if (existing[0].Int(0) > 0) {
    return MakeError("conflict", "this data directory already has data; seed a new --data-dir");
  }

  Caller system;
  system.principal.user_id = "system";
  system.principal.role = Role::kAdmin;
  system.request_id = "seed";

  // Plans and drugs.
  RXD_TRY(store.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec("INSERT INTO plans(id, name, kind) VALUES ('commercial-2026', 'rxdesk Commercial 2026', "
                        "'commercial'), ('part-d-2026', 'rxdesk Medicare Part D 2026', 'medicare_part_d')"));
    for (const SeedDrug& d : kDrugs) {
      RXD_TRY(w.conn.Exec("INSERT INTO drugs(ndc, name, strength, form, schedule, generic, maintenance) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?)",
                          {Value(d.ndc), Value(d.name), Value(d.strength), Value(d.form), Value(d.schedule),
                           Value(d.generic), Value(d.maintenance)}));
    }
    return w.audit.Append(w.conn, MakeAudit(system, now, "seed.reference_data", "plan", "-", ""));
  }));

  Rng rng(options.seed);
  std::string first_member_id;
  const MemberService members(store, vault, rt.clock);
  const int batch_size = 500;
  std::uint32_t rx_serial = 1000000;  // demo Rx numbers start at 1000000-
  for (int start = 0; start < options.members; start += batch_size) {
    const int end = std::min(options.members, start + batch_size);
    int prescriptions = 0, fills = 0, orders = 0;
    RXD_TRY(store.Write([&](WriteContext& w) -> Status {
      for (int i = start; i < end; ++i) {
        const std::string id = NewId();
        const std::string number = MemberNumberFromSerial(static_cast<std::uint32_t>(i + 1));
        const std::string first = rng.Pick(kFirstNames);
        const std::string last = rng.Pick(kLastNames);
        const Date dob = MakeDate(1935 + rng.Below(70), static_cast<unsigned>(1 + rng.Below(12)),
                                  static_cast<unsigned>(1 + rng.Below(28)));
        const Place& place = kPlaces[static_cast<std::size_t>(i == 0 ? 42 : rng.Below(static_cast<int>(kPlaces.size())))];
        AddressInput in;
        const bool po_box = rng.Below(10) == 0;
        in.line1 = po_box ? "PO Box " + std::to_string(100 + rng.Below(9000))
                          : std::to_string(1 + rng.Below(9999)) + " " + rng.Pick(kStreets);
        in.city = place.city;
        in.state = place.state;
        in.zip = place.zip;
        auto address = ValidateAddress(in);
        if (!address.ok()) return MakeError("store_error", "seed address invalid: " + address.error().message);
        const std::string email = "member" + std::to_string(i + 1) + "@example.com";
        char phone[16];
        std::snprintf(phone, sizeof phone, "+1%03d555%04d", 201 + rng.Below(700), rng.Below(10000));
        Member m;
        m.id = id;
        m.member_number = number;
        m.first_name = first;
        m.last_name = last;
        m.date_of_birth = dob;
        m.address = *address;
        m.email = email;
        m.phone = phone;
        m.plan_id = rng.Below(3) == 0 ? "part-d-2026" : "commercial-2026";
        m.created_at = m.updated_at = now_text;
        RXD_TRY(members.Save(w.conn, m));
        const std::string address_json = AddressToJson(*address).dump();
        if (i == 0) first_member_id = id;

        const int rx_count = 1 + rng.Below(4);
        for (int k = 0; k < rx_count; ++k) {
          const SeedDrug& drug = kDrugs[static_cast<std::size_t>(rng.Below(static_cast<int>(kDrugs.size())))];
          const bool controlled = std::string_view(drug.schedule) != "none";
          const bool schedule_ii = std::string_view(drug.schedule) == "II";
          const int refills = schedule_ii ? 0 : (controlled ? 5 : 11);
          const int days = drug.days_supply;
          const Date written = today - Days{30 + rng.Below(150)};
          const RxNumber rx = RxNumber::FromSerial(rx_serial++);
          // A year of history would outlive the prescription: fills run from the written date to about today.
          std::vector<Date> fill_dates;
          for (Date d = written + Days{rng.Below(3)}; d <= today && static_cast<int>(fill_dates.size()) <= refills;
               d += Days{days + rng.Below(10) - 2}) {
            fill_dates.push_back(d);
          }
          const int remaining = refills - std::max(0, static_cast<int>(fill_dates.size()) - 1);
          RXD_TRY(w.conn.Exec(
              "INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, strength, form, schedule, "
              "quantity_milli, days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, "
              "prescriber_name, prescriber_dea, daw, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?, ?, ?, ?, 0, 'active', ?, ?)",
              {Value(rx.str()), Value(id), Value(drug.ndc), Value(drug.name), Value(drug.strength), Value(drug.form),
               Value(drug.schedule), Value(static_cast<std::int64_t>(days) * 1000), Value(days), Value(refills),
               Value(remaining), Value(FormatDate(written)), Value("1245319599"), Value("Dr. Avery Quinn"),
               controlled ? Value("AQ1234563") : Value(), Value(now_text), Value(now_text)}));
          ++prescriptions;
          for (std::size_t f = 0; f < fill_dates.size(); ++f) {
            RXD_TRY(w.conn.Exec("INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, "
                                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 'seed', ?)",
                                {Value(NewId()), Value(rx.str()), Value(FormatDate(fill_dates[f])),
                                 Value(static_cast<std::int64_t>(days) * 1000), Value(days), Value(f > 0),
                                 Value(now_text)}));
            ++fills;
          }
          if (!fill_dates.empty() && rng.Below(2) == 0) {
            const std::string status = kOrderStates[static_cast<std::size_t>(rng.Below(7))];
            const Instant placed = Instant{fill_dates.back()} + std::chrono::hours(14);
            const ShippingQuote quote = QuoteShipping(placed, ShippingSpeed::kStandard, rt.config.pharmacy.shipping, *rt.zone);
            const std::string order_id = NewId();
            RXD_ASSIGN_OR_RETURN(const std::string reference,
                                 UniqueReference(w.conn, rt.zone->LocalDate(placed), [&rng] { return rng.Next(); }));
            RXD_TRY(w.conn.Exec(
                "INSERT INTO orders(id, reference, member_id, rx_number, status, speed, ship_date, eta_earliest, "
                "eta_latest, fee_cents, address_enc, carrier, tracking_number, created_by, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 'standard', ?, ?, ?, 0, ?, ?, ?, 'seed', ?, ?)",
                {Value(order_id), Value(reference), Value(id), Value(rx.str()), Value(status),
                 Value(FormatDate(quote.ship_date)), Value(FormatDate(quote.eta_earliest)),
                 Value(FormatDate(quote.eta_latest)), Value(vault.Seal("orders", order_id, "address", address_json)),
                 (status == "shipped" || status == "delivered" || status == "returned") ? Value("USPS") : Value(),
                 // A USPS IMpb number is 22 digits (services/carrier.h).
                 (status == "shipped" || status == "delivered" || status == "returned")
                     ? Value("9400" + std::to_string(100000000000ull + rng.Next() % 900000000000ull) + "000000")
                     : Value(),
                 Value(FormatInstant(placed)), Value(now_text)}));
            RXD_TRY(w.conn.Exec("INSERT INTO order_events(id, order_id, type, status, at, actor_id) VALUES (?, ?, "
                                "'created', 'received', ?, 'seed')",
                                {Value(NewId()), Value(order_id), Value(FormatInstant(placed))}));
            if (status != "received") {
              RXD_TRY(w.conn.Exec("INSERT INTO order_events(id, order_id, type, status, at, actor_id) VALUES (?, ?, "
                                  "'status', ?, ?, 'seed')",
                                  {Value(NewId()), Value(order_id), Value(status), Value(now_text)}));
            }
            ++orders;
          }
        }
      }
      RXD_TRY(w.conn.Exec("INSERT INTO counters(name, value) VALUES ('member_number', ?) ON CONFLICT(name) DO UPDATE "
                          "SET value = excluded.value",
                          {Value(end)}));
      RXD_TRY(w.conn.Exec("INSERT INTO counters(name, value) VALUES ('rx_serial', ?) ON CONFLICT(name) DO UPDATE "
                          "SET value = excluded.value",
                          {Value(static_cast<std::int64_t>(rx_serial))}));
      // One entry per batch: the seed is one system action over synthetic records.
      return w.audit.Append(w.conn, MakeAudit(system, now, "seed.members", "member_batch",
                                              std::to_string(start) + "-" + std::to_string(end - 1), ""));
    }));
    report.members = end;
    report.prescriptions += prescriptions;
    report.fills += fills;
    report.orders += orders;
    if (options.progress) options.progress(end, options.members);
  }

  // ---- Plans, formulary and prices; then what every seeded fill cost (fill_costs) ----
  // (docs/pharmacy-services.md "Plans, formulary and prior authorization").
  RXD_TRY(store.Write([&](WriteContext& w) { return SeedDemoBenefits(w, now); }));
  RXD_TRY(FillPricer(rt.config.part_d.Offered()).PriceUnpricedFills(store, now));
  // ---- end of plans and formulary ----

  // Demo accounts; member.demo is the first seeded member.
  AuthService auth(store, vault, rt.clock, rt.config.auth);
  const std::array<std::pair<const char*, Role>, 6> demo_users{{{"member.demo", Role::kMember},
                                                                {"agent.demo", Role::kAgent},
                                                                {"pharmacist.demo", Role::kPharmacist},
                                                                {"supervisor.demo", Role::kSupervisor},
                                                                {"privacy.demo", Role::kPrivacyOfficer},
                                                                {"admin.demo", Role::kAdmin}}};
  for (const auto& [username, role] : demo_users) {
    RXD_ASSIGN_OR_RETURN(CreatedUser u, auth.CreateUser(username, role, kDemoPassword,
                                                        role == Role::kMember ? first_member_id : "", "seed"));
    std::string secret;
    if (const auto pos = u.otpauth_uri.find("secret="); pos != std::string::npos) {
      secret = u.otpauth_uri.substr(pos + 7, u.otpauth_uri.find('&', pos) - pos - 7);
    }
    report.accounts.push_back({username, std::string(ToString(role)), kDemoPassword, secret});
  }
  return report;
}

}  // namespace rxdesk

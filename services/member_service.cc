#include "services/member_service.h"

#include "domain/member_number.h"
#include "infra/ids.h"
#include "services/contact_gate.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT id, member_number_enc, first_name_enc, last_name_enc, date_of_birth_enc, address_enc, email_enc, "
    "phone_enc, COALESCE(plan_id, ''), created_at, updated_at FROM members";

Result<Address> AddressFromJson(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return MakeError("decrypt_failed", "stored address is not readable");
  AddressInput in;
  in.line1 = j.value("line1", "");
  in.line2 = j.value("line2", "");
  in.city = j.value("city", "");
  in.state = j.value("state", "");
  in.zip = j.value("zip", "");
  in.country = j.value("country", "US");
  return ValidateAddress(in);
}

}  // namespace

nlohmann::json AddressToJson(const Address& a) {
  nlohmann::json j = {{"line1", a.line1}, {"city", a.city}, {"state", a.state}, {"zip", a.zip}, {"country", a.country}};
  if (!a.line2.empty()) j["line2"] = a.line2;
  return j;
}

std::string MemberService::NameDobIndex(std::string_view first, std::string_view last, Date dob) const {
  return vault_.IndexOf(std::string(last) + "|" + std::string(first) + "|" + FormatDate(dob));
}

Result<std::vector<std::string>> MemberService::IdsByNameAndBirthDate(Connection& conn, std::string_view first,
                                                                      std::string_view last, Date dob) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT id FROM members WHERE name_dob_index = ? ORDER BY id LIMIT 50",
                                             {Value(NameDobIndex(first, last, dob))}));
  std::vector<std::string> ids;
  for (const Row& r : rows) ids.push_back(r.Text(0));
  return ids;
}

Result<bool> MemberService::Exists(Connection& conn, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT 1 FROM members WHERE id = ?", {Value(id)}));
  return !rows.empty();
}

namespace {

Status CheckRole(const Caller& caller, const std::string& member_id) {
  if (caller.principal.role == Role::kMember && caller.principal.member_id != member_id) {
    return MakeError("not_found", "no such member");
  }
  if (caller.principal.role != Role::kMember && !ServesMembers(caller.principal.role)) {
    return MakeError("forbidden", "your role may not see member records");
  }
  return OkStatus();
}

}  // namespace

// Agents: only through a contact whose caller was verified as this member.
Status MemberService::CheckOwnership(const Caller& caller, const std::string& member_id) const {
  RXD_TRY(CheckRole(caller, member_id));
  return CheckContactGate(store_, caller, member_id);
}

Status MemberService::CheckOwnership(Connection& conn, const Caller& caller, const std::string& member_id) const {
  RXD_TRY(CheckRole(caller, member_id));
  return CheckContactGate(conn, caller, member_id);
}

Result<Member> MemberService::Decrypt(const Row& r) const {
  Member m;
  m.id = r.Text(0);
  const auto open = [&](const char* field, std::size_t col) { return vault_.Open("members", m.id, field, r.at(col)); };
  RXD_ASSIGN_OR_RETURN(m.member_number, open("member_number", 1));
  RXD_ASSIGN_OR_RETURN(m.first_name, open("first_name", 2));
  RXD_ASSIGN_OR_RETURN(m.last_name, open("last_name", 3));
  RXD_ASSIGN_OR_RETURN(std::string dob, open("date_of_birth", 4));
  RXD_ASSIGN_OR_RETURN(m.date_of_birth, ParseDate(dob));
  RXD_ASSIGN_OR_RETURN(std::string address, open("address", 5));
  RXD_ASSIGN_OR_RETURN(m.address, AddressFromJson(address));
  if (!r.IsNull(6)) {
    RXD_ASSIGN_OR_RETURN(m.email, open("email", 6));
  }
  if (!r.IsNull(7)) {
    RXD_ASSIGN_OR_RETURN(m.phone, open("phone", 7));
  }
  m.plan_id = r.Text(8);
  m.created_at = r.Text(9);
  m.updated_at = r.Text(10);
  return m;
}

Status MemberService::Save(Connection& conn, const Member& m) const {
  const auto seal = [&](const char* field, std::string_view text) { return Value(vault_.Seal("members", m.id, field, text)); };
  const auto optional_seal = [&](const char* field, const std::string& text) {
    return text.empty() ? Value() : seal(field, text);
  };
  const auto optional_index = [&](const std::string& text) { return text.empty() ? Value() : Value(vault_.IndexOf(text)); };
  // The member number and creation time never change: an update leaves them alone.
  RXD_TRY(conn.Exec(
      "INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, last_name_enc, "
      "date_of_birth_enc, address_enc, email_enc, phone_enc, name_dob_index, email_index, phone_index, plan_id, "
      "key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(id) DO UPDATE SET first_name_enc = excluded.first_name_enc, last_name_enc = excluded.last_name_enc, "
      "date_of_birth_enc = excluded.date_of_birth_enc, address_enc = excluded.address_enc, "
      "email_enc = excluded.email_enc, phone_enc = excluded.phone_enc, name_dob_index = excluded.name_dob_index, "
      "email_index = excluded.email_index, phone_index = excluded.phone_index, plan_id = excluded.plan_id, "
      "key_id = excluded.key_id, updated_at = excluded.updated_at",
      {Value(m.id), seal("member_number", m.member_number), Value(vault_.IndexOf(m.member_number)),
       seal("first_name", m.first_name), seal("last_name", m.last_name),
       seal("date_of_birth", FormatDate(m.date_of_birth)), seal("address", AddressToJson(m.address).dump()),
       optional_seal("email", m.email), optional_seal("phone", m.phone),
       Value(NameDobIndex(m.first_name, m.last_name, m.date_of_birth)), optional_index(m.email),
       optional_index(m.phone), m.plan_id.empty() ? Value() : Value(m.plan_id),
       Value(static_cast<std::int64_t>(vault_.current_key_id())), Value(m.created_at), Value(m.updated_at)}));
  return OkStatus();
}

Result<std::optional<Member>> MemberService::Load(Connection& conn, const std::string& id) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<Member>();
  RXD_ASSIGN_OR_RETURN(Member m, Decrypt(rows[0]));
  return std::optional<Member>(std::move(m));
}

Result<Member> MemberService::Create(const Caller& caller, const MemberInput& in, const CommitHook<Member>& on_commit) {
  const Instant now = clock_.Now();
  Member m;
  m.id = NewId();
  m.first_name = in.first_name;
  m.last_name = in.last_name;
  m.date_of_birth = in.date_of_birth;
  m.address = in.address;
  m.email = in.email.value_or("");
  m.phone = in.phone.value_or("");
  m.plan_id = in.plan_id.value_or("");
  m.created_at = m.updated_at = FormatInstant(now);
  Status s = store_.Write([&](WriteContext& w) -> Status {
    if (in.plan_id) {
      RXD_ASSIGN_OR_RETURN(Rows plan, w.conn.Query("SELECT 1 FROM plans WHERE id = ?", {Value(*in.plan_id)}));
      if (plan.empty()) return MakeError("unknown_plan", "there is no plan with that id", "plan_id");
    }
    RXD_ASSIGN_OR_RETURN(
        Rows serial,
        w.conn.Query("INSERT INTO counters(name, value) VALUES ('member_number', 1) ON CONFLICT(name) DO UPDATE SET "
                     "value = counters.value + 1 RETURNING value"));
    m.member_number = MemberNumberFromSerial(static_cast<std::uint32_t>(serial[0].Int(0)));
    RXD_TRY(Save(w.conn, m));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "member.create", "member", m.id, m.id)));
    return on_commit ? on_commit(w.conn, m) : OkStatus();
  });
  RXD_TRY(s);
  return m;
}

Result<Member> MemberService::Get(const Caller& caller, const std::string& id) {
  const Instant now = clock_.Now();
  if (Status own = CheckOwnership(caller, id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "member.read", "member", id, id, "denied")));
    return own.error();
  }
  RXD_ASSIGN_OR_RETURN(std::optional<Member> m, store_.Read([&](Connection& c) { return Load(c, id); }));
  if (!m) return MakeError("not_found", "no such member");
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "member.read", "member", id, id)));
  return std::move(*m);
}

Result<Member> MemberService::Update(const Caller& caller, const std::string& id, const MemberPatch& p) {
  const Instant now = clock_.Now();
  if (Status own = CheckOwnership(caller, id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "member.update", "member", id, id, "denied")));
    return own.error();
  }
  // Name and date of birth are what identity is verified against, and the plan is the
  // benefit's: a member changes their contact details only; the rest goes through member services.
  if (caller.principal.role == Role::kMember && (p.first_name || p.last_name || p.date_of_birth || p.plan_id)) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "member.update", "member", id, id, "denied")));
    return MakeError("forbidden", "members may change their address, email and phone; call member services for the rest");
  }
  Member m;
  Status s = store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<Member> found, Load(w.conn, id));
    if (!found) return MakeError("not_found", "no such member");
    m = std::move(*found);
    if (p.first_name) m.first_name = *p.first_name;
    if (p.last_name) m.last_name = *p.last_name;
    if (p.date_of_birth) m.date_of_birth = *p.date_of_birth;
    if (p.address) m.address = *p.address;
    if (p.email) m.email = *p.email;
    if (p.phone) m.phone = *p.phone;
    if (p.plan_id) {
      RXD_ASSIGN_OR_RETURN(Rows plan, w.conn.Query("SELECT 1 FROM plans WHERE id = ?", {Value(*p.plan_id)}));
      if (plan.empty()) return MakeError("unknown_plan", "there is no plan with that id", "plan_id");
      m.plan_id = *p.plan_id;
    }
    m.updated_at = FormatInstant(now);
    RXD_TRY(Save(w.conn, m));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "member.update", "member", m.id, m.id));
  });
  RXD_TRY(s);
  return m;
}

Result<std::vector<Member>> MemberService::Search(const Caller& caller, const std::string& first_name,
                                                  const std::string& last_name, Date date_of_birth) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(std::string(kSelect) + " WHERE name_dob_index = ? ORDER BY id LIMIT 50",
                   {Value(NameDobIndex(first_name, last_name, date_of_birth))});
  }));
  std::vector<Member> out;
  for (const Row& r : rows) {
    RXD_ASSIGN_OR_RETURN(Member m, Decrypt(r));
    out.push_back(std::move(m));
  }
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    if (out.empty()) return w.audit.Append(w.conn, MakeAudit(caller, now, "member.search", "member", "-", "", "ok:none"));
    for (const Member& m : out) {
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "member.search", "member", m.id, m.id)));
    }
    return OkStatus();
  }));
  return out;
}

}  // namespace rxdesk

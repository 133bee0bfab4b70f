// Members: create, read, update, search by name + date of birth. Every read and
// write of a member's PHI is audited in the same transaction as the change (a
// read's audit entry is committed before the data is returned).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/address.h"
#include "domain/clock.h"
#include "nlohmann/json.hpp"
#include "services/audit.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

struct MemberInput {
  std::string first_name;
  std::string last_name;
  Date date_of_birth{};
  Address address;
  std::optional<std::string> email;  // normalized
  std::optional<std::string> phone;  // E.164
  std::optional<std::string> plan_id;
};

struct MemberPatch {
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<Date> date_of_birth;
  std::optional<Address> address;
  std::optional<std::string> email;  // "" clears
  std::optional<std::string> phone;  // "" clears
  std::optional<std::string> plan_id;
};

struct Member {
  std::string id;
  std::string member_number;
  std::string first_name;
  std::string last_name;
  Date date_of_birth{};
  Address address;
  std::string email;
  std::string phone;
  std::string plan_id;
  std::string created_at;
  std::string updated_at;
};

class MemberService {
 public:
  MemberService(Store& store, const PhiVault& vault, const Clock& clock) : store_(store), vault_(vault), clock_(clock) {}

  // Workforce serving members only. Refusal: unknown_plan (422).
  Result<Member> Create(const Caller& caller, const MemberInput& input, const CommitHook<Member>& on_commit = nullptr);
  // A member reads only their own record (another's: not_found, audited as denied).
  Result<Member> Get(const Caller& caller, const std::string& id);
  Result<Member> Update(const Caller& caller, const std::string& id, const MemberPatch& patch);
  // Exact match on first + last name + date of birth (blind index; case and spacing ignored).
  Result<std::vector<Member>> Search(const Caller& caller, const std::string& first_name, const std::string& last_name,
                                     Date date_of_birth);

  // Seals and writes the member (insert, or update of everything but the member
  // number and creation time). No audit: the caller audits in the same transaction.
  Status Save(Connection& conn, const Member& member) const;

  // Loads and decrypts without auditing: for services that audit the use themselves.
  Result<std::optional<Member>> Load(Connection& conn, const std::string& id) const;

  static Result<bool> Exists(Connection& conn, const std::string& id);

  // Ids of the members with this first + last name and date of birth (blind index;
  // no audit: for identity verification, which audits the attempt itself).
  Result<std::vector<std::string>> IdsByNameAndBirthDate(Connection& conn, std::string_view first,
                                                         std::string_view last, Date dob) const;

  // Whether the caller may act on this member's records; refuses with not_found
  // for another member's records (so their existence does not leak), and an
  // agent without a verified contact for this member with verification_required.
  Status CheckOwnership(const Caller& caller, const std::string& member_id) const;
  // The same inside a transaction (a write job must not lease a second connection).
  Status CheckOwnership(Connection& conn, const Caller& caller, const std::string& member_id) const;

 private:
  std::string NameDobIndex(std::string_view first, std::string_view last, Date dob) const;
  Result<Member> Decrypt(const Row& row) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
};

// The refusal for a record the caller may not see: an agent is told to verify
// the caller (verification_required); anyone else learns nothing (not_found).
inline Error NotVisible(const Error& refusal, std::string message) {
  if (refusal.code == "verification_required") return refusal;
  return MakeError("not_found", std::move(message));
}

// The JSON form of an address (API and the sealed column).
nlohmann::json AddressToJson(const Address& a);

}  // namespace rxdesk

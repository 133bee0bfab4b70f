// US postal addresses for mail order (PRODUCT.md §4): where we may ship, and the
// normalized form that goes on the label.
//
//   AddressInput in{.line1 = "PO Box 123", .city = "Austin", .state = "tx", .zip = "787010123"};
//   RXD_ASSIGN_OR_RETURN(Address to, ValidateAddress(in));   // state "TX", zip "78701-0123", po_box
//   if (to.kind == AddressKind::kMilitary) { /* APO/FPO/DPO: carrier choice differs */ }
//
// Refusals: `invalid_request` naming the field ("address.zip", ...) for malformed
// input; `address_outside_service_area` for a real place we do not ship to.
#pragma once

#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

// What the API receives; nothing is trusted. An empty country means US.
struct AddressInput {
  std::string line1 = {};
  std::string line2 = {};
  std::string city = {};
  std::string state = {};
  std::string zip = {};
  std::string country = {};
};

// Which part of the service area an address lies in (PRODUCT.md §4).
enum class AddressKind {
  kState,      // one of the 50 states
  kDc,         // the District of Columbia
  kTerritory,  // PR, GU, VI, AS, MP
  kMilitary,   // APO/FPO/DPO with state AA, AE or AP
};

// "state", "dc", "territory", "military".
std::string_view ToString(AddressKind kind);

// A shippable address, normalized: every field trimmed with inner blanks
// collapsed, state a 2-letter upper-case USPS code, zip "12345" or "12345-6789",
// country always "US" (territories are US states for USPS purposes).
struct Address {
  std::string line1 = {};
  std::string line2 = {};  // empty when absent
  std::string city = {};  // as typed, except APO/FPO/DPO which are upper-cased
  std::string state = {};
  std::string zip = {};
  std::string country = "US";
  AddressKind kind = AddressKind::kState;
  bool po_box = false;  // line1 or line2 names a Post Office box (accepted, PRODUCT.md §4)

  bool operator==(const Address&) const = default;
};

// The longest a field may be, in characters, after trimming; the API schema's
// maxLength and what fits a shipping label line.
inline constexpr int kAddressFieldMaxChars = 100;

// Validates and normalizes an address for mail order. Fields are named
// `<field>.line1`, `<field>.zip`, ... in refusals. Requires nothing; refusals:
// invalid_request (missing field, over 100 characters, control or non-Latin
// characters, invalid UTF-8, unknown state, bad ZIP, ZIP not of that state,
// military city/state mismatch); address_outside_service_area (foreign country,
// or FM/MH/PW/UM).
Result<Address> ValidateAddress(const AddressInput& input, std::string_view field = "address");

// True when one address line names a Post Office box: "PO Box 12", "P.O. Box 12",
// "P O Box", "POBox 12", "Post Office Box 12", "POB 12", "P.O.B. 12" (any case).
// A bare "Box 12" is not one: "RR 2 Box 12" is a rural route street delivery.
bool IsPoBox(std::string_view line);

}  // namespace rxdesk

// Fuzz target: mail-order address validation (domain/address.h).
//
// Input: the fields line1, line2, city, state, zip, country, one per line
// ('\n'-separated; missing ones are empty). An accepted address must be in its
// normalized form and validate again to itself; a refusal must name one of the
// fields and carry a message that is safe to show (no echo of what was typed).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/address.h"
#include "fuzz/address_properties.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rxdesk;
  using namespace rxdesk::fuzz;
  std::string_view rest = AsText(data, size);
  AddressInput in;
  in.line1 = NextPart(rest, '\n');
  in.line2 = NextPart(rest, '\n');
  in.city = NextPart(rest, '\n');
  in.state = NextPart(rest, '\n');
  in.zip = NextPart(rest, '\n');
  in.country = NextPart(rest, '\n');

  const Result<Address> outcome = ValidateAddress(in);
  CheckAddressOutcome(outcome, "address");
  CheckLettersDoNotMatter(in, outcome, "address");
  // The field prefix is only a name: another one changes nothing else.
  const Result<Address> nested = ValidateAddress(in, "order.ship_to");
  const Result<Address> plain = ValidateAddress(in);
  RXD_FUZZ_CHECK(nested.ok() == plain.ok(), "the field prefix does not change the outcome");
  if (nested.ok()) RXD_FUZZ_CHECK(*nested == *plain, "the field prefix does not change the address");

  // IsPoBox on raw text must not depend on anything but the words.
  const bool box = IsPoBox(in.line1);
  RXD_FUZZ_CHECK(box == IsPoBox(" " + in.line1 + " "), "IsPoBox ignores surrounding blanks");
  return 0;
}

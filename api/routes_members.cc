// Members: POST /v1/members, GET/PATCH /v1/members/{id}, POST /v1/members/search.
// Search is a POST so that names and dates of birth never appear in a URL.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/contact_info.h"

namespace rxdesk {
namespace {

const std::vector<Role> kServing = {Role::kAgent, Role::kPharmacist, Role::kSupervisor};
// Agents find a caller's record by verifying them in a contact (POST /v1/contacts/{id}/verify).
const std::vector<Role> kSearching = {Role::kPharmacist, Role::kSupervisor};
const std::vector<Role> kServingAndMember = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor};

Json MemberSchema() {
  return ObjectSchema({{"id", StringSchema()},
                       {"member_number", StringSchema()},
                       {"first_name", StringSchema()},
                       {"last_name", StringSchema()},
                       {"date_of_birth", StringSchema("date")},
                       {"address", AddressSchema()},
                       {"email", StringSchema("email")},
                       {"phone", StringSchema()},
                       {"plan_id", StringSchema()},
                       {"created_at", StringSchema("date-time")},
                       {"updated_at", StringSchema("date-time")}});
}

// The fields a client may send for a member (create requires the first four).
Json MemberInputProperties() {
  return {{"first_name", StringSchema("", 100)},   {"last_name", StringSchema("", 100)},
          {"date_of_birth", StringSchema("date")}, {"address", AddressSchema()},
          {"email", StringSchema("email", 254)},   {"phone", StringSchema("", 32)},
          {"plan_id", StringSchema("", 64)}};
}

Json MemberJson(const Member& m) {
  Json j = {{"id", m.id},
            {"member_number", m.member_number},
            {"first_name", m.first_name},
            {"last_name", m.last_name},
            {"date_of_birth", FormatDate(m.date_of_birth)},
            {"address", AddressToJson(m.address)},
            {"created_at", m.created_at},
            {"updated_at", m.updated_at}};
  j["email"] = m.email.empty() ? Json(nullptr) : Json(m.email);
  j["phone"] = m.phone.empty() ? Json(nullptr) : Json(m.phone);
  j["plan_id"] = m.plan_id.empty() ? Json(nullptr) : Json(m.plan_id);
  return j;
}

Result<std::optional<Address>> OptionalAddress(JsonObject& body) {
  RXD_ASSIGN_OR_RETURN(std::optional<JsonObject> obj, body.OptionalObject("address"));
  if (!obj) return std::optional<Address>();
  RXD_ASSIGN_OR_RETURN(Address address, ReadAddress(*obj));
  return std::optional<Address>(std::move(address));
}

Result<Date> ReadDateOfBirth(const std::string& text, Date today) {
  RXD_ASSIGN_OR_RETURN(Date dob, ParseDate(text, "date_of_birth"));
  if (dob > today) return InvalidField("date_of_birth", "must not be in the future");
  return dob;
}

}  // namespace

Json AddressSchema() {
  return ObjectSchema({{"line1", StringSchema("", 100)},
                       {"line2", StringSchema("", 100)},
                       {"city", StringSchema("", 100)},
                       {"state", StringSchema("", 2)},
                       {"zip", StringSchema("", 10)},
                       {"country", StringSchema("", 40)}},
                      {"line1", "city", "state", "zip"});
}

Result<Address> ReadAddress(JsonObject& obj) {
  AddressInput in;
  RXD_ASSIGN_OR_RETURN(in.line1, obj.RequiredString("line1", 200));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> line2, obj.OptionalString("line2", 200));
  in.line2 = line2.value_or("");
  RXD_ASSIGN_OR_RETURN(in.city, obj.RequiredString("city", 200));
  RXD_ASSIGN_OR_RETURN(in.state, obj.RequiredString("state", 60));
  RXD_ASSIGN_OR_RETURN(in.zip, obj.RequiredString("zip", 20));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> country, obj.OptionalString("country", 60));
  in.country = country.value_or("");
  RXD_TRY(obj.NoOtherFields());
  return ValidateAddress(in);
}

void Api::AddMemberRoutes() {
  router_.Add(
      {.method = "POST",
       .pattern = "/v1/members",
       .rule = {.roles = kServing},
       .summary = "Create a member",
       .tag = "members",
       .request_schema = ObjectSchema(MemberInputProperties(), {"first_name", "last_name", "date_of_birth", "address"}),
       .response_schema = MemberSchema(),
       .success_status = 201,
       .idempotent_create = true},
      [this](RouteContext& ctx) {
        return WithIdempotency(
            ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
              RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
              MemberInput in;
              RXD_ASSIGN_OR_RETURN(std::string first, body.RequiredString("first_name", 200));
              RXD_ASSIGN_OR_RETURN(in.first_name, ValidatePersonName(first, "first_name"));
              RXD_ASSIGN_OR_RETURN(std::string last, body.RequiredString("last_name", 200));
              RXD_ASSIGN_OR_RETURN(in.last_name, ValidatePersonName(last, "last_name"));
              RXD_ASSIGN_OR_RETURN(std::string dob, body.RequiredString("date_of_birth", 10));
              RXD_ASSIGN_OR_RETURN(in.date_of_birth, ReadDateOfBirth(dob, deps_.zone.LocalDate(deps_.clock.Now())));
              RXD_ASSIGN_OR_RETURN(JsonObject address, body.RequiredObject("address"));
              RXD_ASSIGN_OR_RETURN(in.address, ReadAddress(address));
              RXD_ASSIGN_OR_RETURN(std::optional<std::string> email, body.OptionalString("email", 254));
              if (email) {
                RXD_ASSIGN_OR_RETURN(in.email, ValidateEmail(*email, "email"));
              }
              RXD_ASSIGN_OR_RETURN(std::optional<std::string> phone, body.OptionalString("phone", 32));
              if (phone) {
                RXD_ASSIGN_OR_RETURN(in.phone, NormalizeUsPhone(*phone, "phone"));
              }
              RXD_ASSIGN_OR_RETURN(in.plan_id, body.OptionalString("plan_id", 64));
              RXD_TRY(body.NoOtherFields());
              RXD_ASSIGN_OR_RETURN(Member m,
                                   deps_.members.Create(CallerOf(ctx), in, [&](Connection& c, const Member& created) {
                                     return on_commit ? on_commit(c, MemberJson(created)) : OkStatus();
                                   }));
              return JsonResponse(201, MemberJson(m));
            });
      });

  router_.Add({.method = "GET",
               .pattern = "/v1/members/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "Read a member (members: their own record)",
               .tag = "members",
               .response_schema = MemberSchema(),
               .never_waits = true},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(Member m, deps_.members.Get(CallerOf(ctx), ctx.Param(0)));
                return JsonResponse(200, MemberJson(m));
              }));

  router_.Add({.method = "PATCH",
               .pattern = "/v1/members/{id}",
               .rule = {.roles = kServingAndMember},
               .summary = "Update a member's details (members: their own)",
               .tag = "members",
               .request_schema = ObjectSchema(MemberInputProperties()),
               .response_schema = MemberSchema()},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                MemberPatch p;
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> first, body.OptionalString("first_name", 200));
                if (first) {
                  RXD_ASSIGN_OR_RETURN(p.first_name, ValidatePersonName(*first, "first_name"));
                }
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> last, body.OptionalString("last_name", 200));
                if (last) {
                  RXD_ASSIGN_OR_RETURN(p.last_name, ValidatePersonName(*last, "last_name"));
                }
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> dob, body.OptionalString("date_of_birth", 10));
                if (dob) {
                  RXD_ASSIGN_OR_RETURN(p.date_of_birth, ReadDateOfBirth(*dob, deps_.zone.LocalDate(deps_.clock.Now())));
                }
                RXD_ASSIGN_OR_RETURN(p.address, OptionalAddress(body));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> email, body.OptionalString("email", 254));
                if (email) {
                  if (email->empty())
                    p.email = "";
                  else {
                    RXD_ASSIGN_OR_RETURN(p.email, ValidateEmail(*email, "email"));
                  }
                }
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> phone, body.OptionalString("phone", 32));
                if (phone) {
                  if (phone->empty())
                    p.phone = "";
                  else {
                    RXD_ASSIGN_OR_RETURN(p.phone, NormalizeUsPhone(*phone, "phone"));
                  }
                }
                RXD_ASSIGN_OR_RETURN(p.plan_id, body.OptionalString("plan_id", 64));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(Member m, deps_.members.Update(CallerOf(ctx), ctx.Param(0), p));
                return JsonResponse(200, MemberJson(m));
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/members/search",
               .rule = {.roles = kSearching},
               .summary = "Find members by first name, last name and date of birth (agents verify the caller "
                          "in a contact instead)",
               .tag = "members",
               .request_schema = ObjectSchema({{"first_name", StringSchema("", 100)},
                                               {"last_name", StringSchema("", 100)},
                                               {"date_of_birth", StringSchema("date")}},
                                              {"first_name", "last_name", "date_of_birth"}),
               .response_schema = ObjectSchema(
                   {{"items", {{"type", "array"}, {"items", MemberSchema()}}}, {"next_cursor", {{"type", "null"}}}})},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::string first, body.RequiredString("first_name", 200));
                RXD_ASSIGN_OR_RETURN(first, ValidatePersonName(first, "first_name"));
                RXD_ASSIGN_OR_RETURN(std::string last, body.RequiredString("last_name", 200));
                RXD_ASSIGN_OR_RETURN(last, ValidatePersonName(last, "last_name"));
                RXD_ASSIGN_OR_RETURN(std::string dob_text, body.RequiredString("date_of_birth", 10));
                RXD_ASSIGN_OR_RETURN(Date dob, ParseDate(dob_text, "date_of_birth"));
                RXD_TRY(body.NoOtherFields());
                RXD_ASSIGN_OR_RETURN(std::vector<Member> found, deps_.members.Search(CallerOf(ctx), first, last, dob));
                Json items = Json::array();
                for (const Member& m : found) items.push_back(MemberJson(m));
                return JsonResponse(200, Json{{"items", items}, {"next_cursor", nullptr}});
              }));
}

}  // namespace rxdesk

// Who is asking, as every use case sees it.
#pragma once

#include <string>

#include "domain/role.h"

namespace rxdesk {

struct Principal {
  std::string user_id;
  std::string username;
  Role role = Role::kMember;
  std::string member_id;   // for members: their own member record
  std::string token_hash;  // the session, for logout
};

struct Caller {
  Principal principal;
  std::string request_id;
  std::string remote_ip;
  std::string contact_id;  // X-Contact-Id: the contact the caller acts in, if any
};

}  // namespace rxdesk

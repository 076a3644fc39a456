#include "tongket/server/store.hpp"

namespace tongket::server {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::clerk:
      return "clerk";
    case Role::district_reviewer:
      return "district_reviewer";
    case Role::province_reviewer:
      return "province_reviewer";
    case Role::admin:
      return "admin";
  }
  return "clerk";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::clerk, Role::district_reviewer, Role::province_reviewer, Role::admin})
    if (role_name(r) == name) return r;
  return std::nullopt;
}

}  // namespace tongket::server

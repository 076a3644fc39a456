#include "tongket/server/protocol.hpp"

namespace tongket::server {

Scope scope_of(Role role, const UnitInfo& own) {
  switch (role) {
    case Role::admin:
      return {Scope::Kind::all, {}};
    case Role::province_reviewer:
      return {Scope::Kind::province, own.province};
    case Role::district_reviewer:
      if (!own.district.empty()) return {Scope::Kind::district, own.district};
      return {Scope::Kind::unit, own.code};
    case Role::clerk:
      // A clerk writes only its unit but reads what its unit compiles from: a district
      // its communes, a province everything under it.
      if (own.level == UnitLevel::district) return {Scope::Kind::district, own.code};
      if (own.level == UnitLevel::province) return {Scope::Kind::province, own.code};
      // The plan sends the district reports to the province's departments too: a department
      // reads its province (it writes only its own unit, see may_write).
      if (own.level == UnitLevel::department) return {Scope::Kind::province, own.province};
      return {Scope::Kind::unit, own.code};
  }
  return {Scope::Kind::unit, own.code};
}

bool may_write(Role role, const UnitInfo& own, const UnitInfo& target) {
  switch (role) {
    case Role::admin:
      return true;
    case Role::province_reviewer:
      return target.province == own.province;
    case Role::district_reviewer:
      return !own.district.empty() && target.district == own.district;
    case Role::clerk:
      return target.code == own.code;
  }
  return false;
}

bool role_fits_unit(Role role, UnitLevel level) {
  switch (role) {
    case Role::clerk:
      return true;
    case Role::district_reviewer:
      return level == UnitLevel::district;
    case Role::province_reviewer:
      return level == UnitLevel::province;
    case Role::admin:
      return true;  // the unit only says where the admin sits
  }
  return false;
}

}  // namespace tongket::server

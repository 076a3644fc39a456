#include "review/completeness.hpp"

namespace tongket::server::review {

Tally tally_children(Store& store, const std::string& parent) {
  Tally t;
  for (const auto& child : store.children(parent)) {
    UnitStanding s;
    s.unit = child;
    bool first = true;
    for (const auto& r : store.reviews(child.code)) {
      s.latest = r;
      s.state = r.state;
      if (r.action != "submit" && r.action != "finalise") continue;
      // A report resubmitted after a return is late only if its first submission was.
      if (first) {
        s.late = r.on_time.has_value() && !*r.on_time;
        s.first = r;
      }
      first = false;
      ++s.submissions;
      s.submission = r;
    }
    if (!s.submission) {
      t.missing.push_back(child);
    } else {
      if (s.state == "submitted") ++t.submitted;
      if (s.state == "accepted" || s.state == "finalised") ++t.accepted;
      if (s.state == "returned") ++t.returned;
      if (s.late) ++t.late;
    }
    t.units.push_back(std::move(s));
  }
  return t;
}

}  // namespace tongket::server::review

// The catalogue: every text the client core and the CLI show a user, in English and
// Vietnamese. Ids are "<area>.<what>"; {0}, {1}, ... are the arguments. English texts are the
// CLI's historical ones (scripts and tests read them); Vietnamese is what clerks read.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tongket/messages.hpp"
#include "tongket/platform.hpp"

namespace tongket::client {

namespace {

struct Entry {
  std::string_view id, en, vi;
};

// Sorted by id (checked once at first use).
constexpr Entry kCatalogue[] = {
#include "core/messages.inc"
};

const Entry* find(std::string_view id) {
  static const bool sorted =
      std::is_sorted(std::begin(kCatalogue), std::end(kCatalogue),
                     [](const Entry& a, const Entry& b) { return a.id < b.id; });
  if (sorted) {
    auto it = std::lower_bound(std::begin(kCatalogue), std::end(kCatalogue), id,
                               [](const Entry& e, std::string_view k) { return e.id < k; });
    return it != std::end(kCatalogue) && it->id == id ? &*it : nullptr;
  }
  for (const auto& e : kCatalogue)
    if (e.id == id) return &e;
  return nullptr;
}

bool starts_vi(const char* value) {
  return value && value[0] == 'v' && value[1] == 'i' &&
         (value[2] == '\0' || value[2] == '_' || value[2] == '.' || value[2] == '-');
}

}  // namespace

Language language_from_environment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    if (auto v = platform::env(name)) return starts_vi(v->c_str()) ? Language::vi : Language::en;
  }
  return Language::en;
}

std::vector<CatalogueEntry> catalogue_entries() {
  std::vector<CatalogueEntry> out;
  for (const auto& e : kCatalogue) out.push_back({e.id, e.en, e.vi});
  return out;
}

bool has_message(std::string_view id) {
  return find(id) != nullptr;
}

std::string message(Language lang, std::string_view id,
                    std::initializer_list<std::string_view> args) {
  const Entry* e = find(id);
  if (!e) return std::string(id);
  const std::string_view text = lang == Language::vi ? e->vi : e->en;
  std::string out;
  out.reserve(text.size() + 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' && text[i + 1] >= '0' &&
        text[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(text[i + 1] - '0');
      if (n < args.size()) out += *(args.begin() + n);
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace tongket::client

// Level names and the diacritic folding used to search unit names.
#include <array>
#include <string>
#include <unordered_map>

#include "tongket/hierarchy.hpp"

namespace tongket {

namespace {

constexpr std::array<std::string_view, 4> kLevelNames = {"province", "district", "commune",
                                                         "department"};

// Decodes one UTF-8 sequence at `pos`; returns the code point and advances `pos`.
// A malformed byte advances one byte and gives kInvalid, so folding never fails.
constexpr char32_t kInvalid = 0x110000;

char32_t next_code_point(std::string_view s, std::size_t& pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(pos);
  int extra = b0 < 0x80           ? 0
              : (b0 >> 5) == 0x6  ? 1
              : (b0 >> 4) == 0xE  ? 2
              : (b0 >> 3) == 0x1E ? 3
                                  : -1;
  if (extra < 0 || pos + extra >= s.size()) {
    ++pos;
    return kInvalid;
  }
  char32_t cp = extra == 0 ? b0 : (b0 & (0x3F >> extra));
  for (int i = 1; i <= extra; ++i) {
    unsigned char b = byte(pos + i);
    if ((b & 0xC0) != 0x80) {
      ++pos;
      return kInvalid;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  pos += extra + 1;
  return cp;
}

// Every precomposed (NFC) Vietnamese letter, grouped by the ASCII letter it folds to.
const std::unordered_map<char32_t, char>& fold_table() {
  static const auto table = [] {
    constexpr std::pair<char, std::string_view> groups[] = {
        {'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
        {'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ"},
        {'i', "ìíỉĩịÌÍỈĨỊ"},
        {'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
        {'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ"},
        {'y', "ỳýỷỹỵỲÝỶỸỴ"},
        {'d', "đĐ"},
    };
    std::unordered_map<char32_t, char> t;
    for (auto [ascii, letters] : groups) {
      for (std::size_t pos = 0; pos < letters.size();) t[next_code_point(letters, pos)] = ascii;
    }
    return t;
  }();
  return table;
}

}  // namespace

std::string_view level_name(UnitLevel level) {
  return kLevelNames[static_cast<std::size_t>(level)];
}

std::optional<UnitLevel> parse_level(std::string_view name) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<UnitLevel>(i);
  }
  return std::nullopt;
}

std::string fold_vietnamese(std::string_view text) {
  const auto& table = fold_table();
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t start = pos;
    char32_t cp = next_code_point(text, pos);
    if (cp < 0x80) {
      out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
    } else if (cp >= 0x300 && cp <= 0x36F) {
      // Combining marks: text typed in decomposed form (NFD) folds the same as NFC.
    } else if (auto it = table.find(cp); it != table.end()) {
      out += it->second;
    } else {
      out.append(text.substr(start, pos - start));  // other letters and bad bytes as they were
    }
  }
  return out;
}

}  // namespace tongket

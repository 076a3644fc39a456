#include "core/text_decode.hpp"

#include <expat.h>
#include <utf8proc.h>
#include <zip.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "tongket/error.hpp"
#include "tongket/platform.hpp"

namespace tongket::client {

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// Windows-1258, 0x80..0xFF (0x00..0x7F is ASCII); 0 = undefined.
constexpr std::array<std::uint16_t, 128> kCp1258High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80
    0x02C6, 0x2030, 0,      0x2039, 0x0152, 0,      0,      0,       // 88
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90
    0x02DC, 0x2122, 0,      0x203A, 0x0153, 0,      0,      0x0178,  // 98
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,  // A0
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,  // A8
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,  // B0
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,  // B8
    0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7,  // C0
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF,  // C8
    0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7,  // D0
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF,  // D8
    0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7,  // E0
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF,  // E8
    0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7,  // F0
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF,  // F8
};

bool valid_utf8(std::string_view s) {
  auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  auto left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    p += n;
    left -= n;
  }
  return true;
}

// ---- .docx: the text of word/document.xml ----

struct DocxParse {
  std::string text;
  bool in_text = false;
};

std::string_view local_name(const XML_Char* name) {
  std::string_view n(name);
  auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char**) {
  auto& p = *static_cast<DocxParse*>(data);
  const auto n = local_name(name);
  if (n == "t") p.in_text = true;
  if (n == "tab") p.text += '\t';
  if (n == "br" || n == "cr") p.text += '\n';
}

void XMLCALL on_end(void* data, const XML_Char* name) {
  auto& p = *static_cast<DocxParse*>(data);
  const auto n = local_name(name);
  if (n == "t") p.in_text = false;
  if (n == "p") p.text += '\n';
}

void XMLCALL on_chars(void* data, const XML_Char* s, int len) {
  auto& p = *static_cast<DocxParse*>(data);
  if (p.in_text) p.text.append(s, static_cast<std::size_t>(len));
}

std::string read_zip_entry(const std::filesystem::path& file, const char* entry) {
  int err = 0;
  std::unique_ptr<zip_t, decltype(&zip_discard)> z(
      zip_open(platform::path_to_utf8(file).c_str(), ZIP_RDONLY, &err), &zip_discard);
  auto bad = [&](const std::string& why) {
    return Error(Errc::invalid_data, platform::path_to_utf8(file) + ": " + why);
  };
  if (!z) throw bad("not a .docx file (not a zip archive); save it from Word as .docx");
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z.get(), entry, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    throw bad("not a Word document (no word/document.xml)");
  constexpr zip_uint64_t kMax = 64u << 20;
  if (st.size > kMax) throw bad("the document is larger than 64 MB");
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> f(zip_fopen(z.get(), entry, 0), &zip_fclose);
  if (!f) throw bad("cannot read word/document.xml");
  std::string out(static_cast<std::size_t>(st.size), '\0');
  auto n = zip_fread(f.get(), out.data(), st.size);
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) throw bad("cannot read word/document.xml");
  return out;
}

}  // namespace

bool to_nfc(std::string_view utf8, std::string& out) {
  if (!valid_utf8(utf8)) return false;
  std::string copy(utf8);  // utf8proc_NFC wants a NUL-terminated string
  utf8proc_uint8_t* nfc = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(copy.c_str()));
  if (!nfc) return false;
  out.assign(reinterpret_cast<const char*>(nfc));
  std::free(nfc);
  return true;
}

std::string cp1258_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      const std::uint16_t cp = kCp1258High[c - 0x80];
      append_utf8(out, cp ? cp : 0xFFFD);
    }
  }
  return out;
}

std::string utf16_to_utf8(std::string_view bytes) {
  if (bytes.size() < 2 || bytes.size() % 2 != 0)
    throw Error(Errc::invalid_data, "UTF-16 text of odd length");
  const auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
  const bool little = b0 == 0xFF && b1 == 0xFE;
  if (!little && !(b0 == 0xFE && b1 == 0xFF))
    throw Error(Errc::invalid_data, "UTF-16 text without a byte order mark");
  auto unit = [&](std::size_t i) {
    const auto lo = static_cast<unsigned char>(bytes[i + (little ? 0 : 1)]);
    const auto hi = static_cast<unsigned char>(bytes[i + (little ? 1 : 0)]);
    return static_cast<std::uint32_t>(hi << 8 | lo);
  };
  std::string out;
  for (std::size_t i = 2; i < bytes.size(); i += 2) {
    std::uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 2 < bytes.size()) {
      const std::uint32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF)
      throw Error(Errc::invalid_data,
                  "UTF-16 text with an unpaired surrogate at byte " + std::to_string(i));
    append_utf8(out, u);
  }
  return out;
}

std::string docx_text(const std::filesystem::path& file) {
  const std::string xml = read_zip_entry(file, "word/document.xml");
  DocxParse state;
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate("UTF-8"),
                                                                      &XML_ParserFree);
  if (!parser) throw Error(Errc::internal, "cannot create an XML parser");
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_chars);
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR)
    throw Error(Errc::invalid_data,
                platform::path_to_utf8(file) + ": word/document.xml is damaged (line " +
                    std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": " +
                    XML_ErrorString(XML_GetErrorCode(parser.get())) + ")");
  std::string nfc;
  if (!to_nfc(state.text, nfc))
    throw Error(Errc::invalid_data, platform::path_to_utf8(file) + ": bad UTF-8");
  while (!nfc.empty() && nfc.back() == '\n') nfc.pop_back();
  return nfc.empty() ? nfc : nfc + "\n";
}

DecodedText decode_text(std::string_view bytes) {
  DecodedText d;
  std::string utf8;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    utf8 = bytes.substr(3);
    d.encoding = "UTF-8";
  } else if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    utf8 = utf16_to_utf8(bytes);
    d.encoding = "UTF-16";
  } else if (valid_utf8(bytes)) {
    utf8 = bytes;
    d.encoding = "UTF-8";
  } else {
    utf8 = cp1258_to_utf8(bytes);
    d.encoding = "Windows-1258";
  }
  if (!to_nfc(utf8, d.text)) throw Error(Errc::invalid_data, "the text is not valid " + d.encoding);
  return d;
}

}  // namespace tongket::client

// Narrative text from the files clerks have: a .docx written in Word (its word/document.xml,
// read with libzip and libexpat), a .txt in UTF-8, UTF-16 (with its byte order mark) or
// Windows-1258. Everything comes out as UTF-8 in Unicode NFC (libutf8proc): Windows-1258
// writes Vietnamese with combining tone marks, NFC composes them as Word and the web write.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace tongket::client {

// UTF-8 in NFC; nullopt-like empty + false when `text` is not valid UTF-8.
bool to_nfc(std::string_view utf8, std::string& out);

// Windows-1258 bytes to UTF-8 (not yet NFC). A table decoder on Microsoft's published
// mapping (unicode.org MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1258.TXT) rather than iconv, so that
// the MinGW build needs no libiconv; a test checks it byte by byte against glibc's iconv.
// Bytes the code page leaves undefined become U+FFFD.
std::string cp1258_to_utf8(std::string_view bytes);

// UTF-16 with a byte order mark (FF FE little-endian, FE FF big-endian) to UTF-8. Throws
// Error(invalid_data) on an unpaired surrogate or an odd length.
std::string utf16_to_utf8(std::string_view bytes);

// The paragraphs of a .docx's body as text, one line each (tabs and breaks kept). Throws
// Error(invalid_data) naming the file when it is not a readable .docx.
std::string docx_text(const std::filesystem::path& file);

// How a .txt was read: "UTF-8", "UTF-16", "Windows-1258".
struct DecodedText {
  std::string text;  // UTF-8, NFC
  std::string encoding;
};
// Decodes a .txt's bytes: BOM-marked UTF-8 / UTF-16, else UTF-8 when valid, else Windows-1258.
DecodedText decode_text(std::string_view bytes);

}  // namespace tongket::client

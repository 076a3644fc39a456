// The one message catalogue of the client (core and CLI; the web app shows what the core
// returns). Every text a user reads has an id and an English and a Vietnamese form in
// client/src/core/messages.cpp; {0}, {1}, ... are replaced by the arguments. The web app always
// asks for Vietnamese; the CLI for Vietnamese when LANG / LC_ALL / LC_MESSAGES is vi_*.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace tongket::client {

enum class Language { en, vi };

// Vietnamese when the first of LC_ALL, LC_MESSAGES, LANG that is set starts with "vi".
Language language_from_environment();

// The catalogue's text `id` in `lang` with {0}.. replaced; an unknown id yields the id itself
// (visible, never a crash).
std::string message(Language lang, std::string_view id,
                    std::initializer_list<std::string_view> args = {});

// Whether the catalogue has `id` (for tests).
bool has_message(std::string_view id);

// Every entry of the catalogue, in its order (for tests that check it as a whole).
struct CatalogueEntry {
  std::string_view id, en, vi;
};
std::vector<CatalogueEntry> catalogue_entries();

}  // namespace tongket::client

// Three-way line merge of narrative text (libgit2 git_merge_file). Byte-exact for UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace tongket::sync {

struct TextMerge {
  bool clean = false;  // no overlapping edits
  std::string text;    // the merge when clean; with conflict markers otherwise (not to be stored)
};

TextMerge merge_text(std::string_view base, std::string_view ours, std::string_view theirs);

}  // namespace tongket::sync

#include "tongket/sync/merge.hpp"

#include <git2.h>

#include <mutex>

#include "tongket/error.hpp"

namespace tongket::sync {

namespace {
void init_libgit2() {
  static std::once_flag once;
  // Never shut down: other threads may merge until exit.
  std::call_once(once, [] { git_libgit2_init(); });
}

git_merge_file_input input_of(std::string_view text) {
  git_merge_file_input in;
  git_merge_file_input_init(&in, GIT_MERGE_FILE_INPUT_VERSION);
  in.ptr = text.data();
  in.size = text.size();
  return in;
}
}  // namespace

TextMerge merge_text(std::string_view base, std::string_view ours, std::string_view theirs) {
  init_libgit2();
  git_merge_file_input b = input_of(base), o = input_of(ours), t = input_of(theirs);
  git_merge_file_options opts;
  git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
  opts.favor = GIT_MERGE_FILE_FAVOR_NORMAL;
  git_merge_file_result result{};
  if (git_merge_file(&result, &b, &o, &t, &opts) != 0) {
    const git_error* e = git_error_last();
    throw Error(Errc::internal,
                std::string("text merge failed: ") + (e && e->message ? e->message : "libgit2"));
  }
  TextMerge out;
  out.clean = result.automergeable != 0;
  out.text.assign(result.ptr ? result.ptr : "", result.len);
  git_merge_file_result_free(&result);
  return out;
}

}  // namespace tongket::sync

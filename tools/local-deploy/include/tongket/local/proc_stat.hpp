// What /proc says about running processes, for the layouts' CPU accounting.
#pragma once

#include <sys/types.h>

#include <vector>

namespace tongket::local {

// The live processes whose parent is `parent` (nginx's workers, PostgreSQL's backends).
std::vector<pid_t> children_of(pid_t parent);

// CPU seconds (user + system) `pid` used so far, from /proc/<pid>/stat; with
// `reaped_children`, also what its children that it has already waited for used (a
// postmaster's exited backends). 0 if the process is gone.
double cpu_seconds(pid_t pid, bool reaped_children = false);

}  // namespace tongket::local

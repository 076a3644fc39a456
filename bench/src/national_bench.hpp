// Every commune's full report through the production layout (issue 13 §4): nginx terminating
// TLS with the production site (deploy/nginx/render.sh) in front of tongket-server, for three
// stores: SQLite with one server process, PostgreSQL with one, PostgreSQL with two behind one
// upstream. Each beside the same rows raw-inserted into the same engine in the same run (SQLite:
// RawInsert; PostgreSQL: COPY), and each checked afterwards: every report applied, and with two
// processes, both answered (nginx's access log).
#pragma once

#include "bench_env.hpp"

namespace tongket::bench {

// BENCH_SCALE of the 10,767 communes (at least 4 per client); BENCH_CLIENTS concurrent clients.
void run_national(BenchEnv& env);

}  // namespace tongket::bench

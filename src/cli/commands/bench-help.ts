export const BENCH_HELP = `perfscope bench — benchmark functions, commands or git versions, and decide with statistics

Usage:
  perfscope bench [files or folders...]            run *.bench.ts files (bench("name", fn))
  perfscope bench --cmd "<command>" [--cmd ...]    time whole commands (the hyperfine job)
  perfscope bench --versions v1.0.0,v1.1.0,HEAD    compare git versions, interleaved
  perfscope bench compare <baseline.json> <candidate.json>
  perfscope bench history [--benchmark <name>]     stored runs and change points

Functions and versions:
  -f, --filter <name>      run only this benchmark (repeatable; /regex/ allowed)
  -p, --processes <n>      fresh processes per benchmark (default 5; 10 with --versions)
  -t, --time <dur>         measuring time per process (default 300ms; 200ms per version
                           with --versions)
  --warmup <dur|n>         warm-up per process (default 100ms); with --cmd: warm-up runs (default 3)
  --versions <refs>        comma-separated git refs; "." is the working tree as it is
  --build <command>        install/build step per version (default: npm ci / npm install
                           when it has dependencies, then npm run build when present)
  --no-build               skip the build step
  --keep-worktrees         keep the checked-out versions (in the system temp folder)
  --compare <file|last>    compare this run with a saved bench-run.json, or with the
                           newest stored run of this suite on this machine ("last")

Commands (--cmd):
  -n, --name <name>        a name per --cmd, in order
  --runs <n>               exact number of timed runs
  --min-runs <n>           at least this many (default 10); --max-runs <n> at most
  --min-time <dur>         keep running until this much time is spent (default 3s)
  --prepare <command>      before every timed run (not timed), e.g. to drop caches
  --setup <command>        once before a command's runs; --cleanup <command> once after
  --parameter-scan <p>     name=start..end[:step], e.g. threads=1..8:1; "{threads}" in the command
  --parameter-list <p>     name=a,b,c
  --shell <sh>             shell to run commands with (default sh; its spawn time is subtracted)
  -N, --no-shell           spawn the command directly (split on spaces, quotes respected)
  --ignore-failure         time commands that exit non-zero instead of marking them errored
  --show-output            let the commands print to the terminal

Deciding:
  --noise-band <pct>       never call a change smaller than this (default 2%)
  --alpha <p>              significance level (default 0.01)

Output:
  --history <path|url>     history store: a SQLite file (default .perfscope/history.sqlite)
                           or postgres://user@host/db for a team
  --no-history             do not store this run
  --out <dir>              artifacts folder (default .perfscope/runs/<time>-bench/)
  --format <f>             terminal (default) | markdown | json
  --json                   same as --format json
  --quiet                  no progress on stderr
  -h, --help               this help

Examples:
  perfscope bench bench/
  perfscope bench --filter "json roundtrip" --processes 10
  perfscope bench --cmd "node old.js" --cmd "node new.js" --warmup 3
  perfscope bench --cmd "sort -S {mem} big.txt" --parameter-list mem=64M,256M,1G
  perfscope bench --versions v1.0.0,v1.1.0,HEAD --filter render_time
  perfscope bench --compare last
  perfscope bench compare .perfscope/runs/A-bench/bench-run.json .perfscope/runs/B-bench/bench-run.json
  perfscope bench history --benchmark "json roundtrip"

A change is called only when a significance test on per-process medians says so AND it is
larger than the noise band; the method is printed under every comparison.
Exit codes: 0 ok · 1 a regression was found · 2 usage · 3 runtime (or a benchmark errored).`;

export const MEM_HELP = `perfscope mem — memory of a process, leaks that survive GC, and what holds them

Usage:
  perfscope mem <pid | process name>                 RSS, PSS, USS, swap; V8 heap by space and GC for Node
  perfscope mem watch (--pid N | --process name | -- <command>) -d 60s [--load URL]
                                                     a time series and a leak verdict
  perfscope mem alloc (--pid N | -- <command>) -d 10s [--view allocated|retained]
                                                     sampling heap profile → allocation flame graph
  perfscope mem snapshot --pid N [--out dir]         a heap snapshot, streamed to disk, summarised
  perfscope mem analyze <file.heapsnapshot>          top constructors by retained size (dominators)
  perfscope mem leaks (--pid N | -- <command>) (--action "<cmd>" | --load URL --requests N)
                                                     the three-snapshot method, live
  perfscope mem diff <s1> <s2> <s3>                  the three-snapshot method on saved snapshots

Options:
  -d, --duration <time>    how long to watch or sample (30s, 2m)
  -i, --interval <time>    time between samples (default 1s)
  --load <url>             drive the target with perfscope's load engine while watching
                           (loopback only; -c connections, default 10, or -R req/s)
  --min-slope <size>       smallest growth per minute called a leak (default 64KB)
  --view <v>               alloc: allocated (all sampled allocations: churn, default) or
                           retained (only what is still alive at the end: what stays)
  --action <command>       leaks: a shell command that exercises the suspect code path
  --requests <n>           leaks with --load: requests per round (default 1000)
  --repeat <n>             leaks: rounds of the action between snapshots (default 1)
  --out <dir>              artifacts folder (default .perfscope/runs/<time>-mem/)
  --json                   print JSON
  --quiet                  no progress on stderr
  -h, --help               this help

Examples:
  perfscope mem 4242
  perfscope mem watch -d 60s --load http://127.0.0.1:3000/ -- node server.js
  perfscope mem alloc -d 10s -- node build.js
  perfscope mem leaks --pid 4242 --load http://127.0.0.1:3000/api --requests 2000
  perfscope mem diff before.heapsnapshot after.heapsnapshot again.heapsnapshot

The leak verdict rests on the trend of post-GC lows (Mann–Kendall test, Theil–Sen slope
with a 95% CI), not on raw samples: a garbage-collector sawtooth is not a leak.
Exit codes: 0 ok · 1 watch found a leak · 2 usage · 3 runtime. leaks and diff list
candidates for you to judge (a cache may rightly keep objects) and exit 0.`;

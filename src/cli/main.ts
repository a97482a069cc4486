#!/usr/bin/env node
import { runCli } from "./program.js";

// The only place that ends the process with a code.
const code = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  now: () => new Date(),
});
process.exitCode = code;

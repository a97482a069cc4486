// Runs a module in this process with the given argv and prints, at exit, its peak RSS and the
// wall time since start as one JSON line on stderr (fd 2). Used by the benchmarks to measure
// the real CLI and the baseline the same way.
import { writeSync } from "node:fs";
import { pathToFileURL } from "node:url";

const started = performance.now();
const [target, ...args] = process.argv.slice(2);
process.on("exit", (code) => {
  writeSync(
    2,
    `\n@@bench ${JSON.stringify({ ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024, code })}\n`,
  );
});
process.argv = [process.argv[0], target, ...args];
await import(pathToFileURL(target).href);

// Starts `mdimport platform serve` as a child process, for the demo and the benchmarks.
import { spawn } from "node:child_process";

/**
 * Runs `node <cli> platform serve <args>`; resolves once it prints where it listens, with the
 * URL, its stats (GET /_mdimport/stats) and a stop() that ends it with SIGTERM.
 */
export async function startServe(cli, args) {
  const child = spawn(process.execPath, [cli, "platform", "serve", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
      const match = /listening on (\S+)\n/.exec(text);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`platform serve exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    url,
    stats: async () => (await fetch(`${url}/_mdimport/stats`)).json(),
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

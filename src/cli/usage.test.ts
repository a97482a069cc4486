import { describe, expect, it } from "vitest";
import { runCli } from "./program.js";
import { editDistance, nearest } from "./usage.js";

describe("nearest", () => {
  it.each([
    ["--scirpt", ["--script", "--sheet", "--out"], ["--script"]],
    ["--shet", ["--script", "--sheet", "--out"], ["--sheet"]],
    ["new-client", ["new-clients", "update-clients"], ["new-clients"]],
    ["nll", ["nl", "en", "de"], ["nl"]],
    ["clients", ["new-clients", "update-clients"], []],
    ["--frobnicate", ["--script", "--sheet"], []],
  ])("%s among %j → %j", (word, candidates, expected) => {
    expect(nearest(word, candidates)).toEqual(expected);
  });

  it("counts a swap of two neighbours as one edit", () => {
    expect(editDistance("scirpt", "script")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});

describe("runCli on an unexpected error", () => {
  const run = async (args: string[]) => {
    let stderr = "";
    const code = await runCli(["node", "mdimport", ...args], {
      stdout: {
        write: () => {
          throw new Error("the pipe broke");
        },
      } as unknown as NodeJS.WriteStream,
      stderr: { write: (s: string) => ((stderr += s), true) } as unknown as NodeJS.WriteStream,
      cwd: process.cwd(),
      env: {},
      now: () => new Date(),
    });
    return { code, stderr };
  };

  it("points to --debug without it", async () => {
    const { code, stderr } = await run(["--version"]);
    expect(code).toBe(70);
    expect(stderr).toBe("mdimport: unexpected error: the pipe broke (run again with --debug for details)\n");
  });

  it("shows the stack with --debug, and does not ask for --debug again", async () => {
    const { code, stderr } = await run(["--debug", "--version"]);
    expect(code).toBe(70);
    expect(stderr).toMatch(/^mdimport: unexpected error: the pipe broke\n.*Error: the pipe broke\n\s+at /s);
    expect(stderr).not.toMatch(/run again with --debug/);
  });
});

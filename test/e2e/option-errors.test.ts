import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, readJson, runCli, tempDir } from "../support/cli.js";

const sheet = fixture("relations.xlsx");

describe("option errors a person understands, in one sentence, exit 2", () => {
  it.each([
    // A misspelt option names itself, not the required option it was meant to be.
    [["validate", sheet, "--scirpt", "relations"], "mdimport: unknown option --scirpt; did you mean --script?"],
    [
      ["test-run", sheet, "--script", "relations", "--scirpt=relations", "--platfrom", "local"],
      "mdimport: unknown option --scirpt; did you mean --script?",
    ],
    [
      ["run", sheet, "--script", "relations", "--aproved", "x.json"],
      "mdimport: unknown option --aproved; did you mean --approved?",
    ],
    [["platform", "serve", "--prot", "0"], "mdimport: unknown option --prot; did you mean --port?"],
    [["validate", sheet, "--script", "relations", "--frobnicate"], "mdimport: unknown option --frobnicate."],
    // A bad number names its option.
    [
      ["test-run", sheet, "--script", "relations", "--rate", "fast"],
      'mdimport: option --rate: "fast" is not a number greater than 0.',
    ],
    [
      ["validate", sheet, "--script", "relations", "--max-ratio", "0"],
      'mdimport: option --max-ratio: "0" is not a whole number greater than 0.',
    ],
    [
      ["run", sheet, "--script", "relations", "--approved", "x.json", "--max-failures", "-1"],
      'mdimport: option --max-failures: "-1" is not a whole number of 0 or more.',
    ],
    [["platform", "serve", "--fail-rate", "2"], 'mdimport: option --fail-rate: "2" is not a number from 0 to 1.'],
    // A wrong --script value suggests the nearest.
    [
      ["validate", sheet, "--script", "new-client"],
      'mdimport: option --script: "new-client" is not one of new-clients, new-professionals, relations, update-clients, update-professionals; did you mean new-clients?',
    ],
    [
      ["validate", sheet, "--script", "clients"],
      'mdimport: option --script: "clients" is not one of new-clients, new-professionals, relations, update-clients, update-professionals.',
    ],
    [
      ["validate", sheet, "--script", "relations", "--lang", "fr"],
      'mdimport: option --lang: "fr" is not one of nl, en, de.',
    ],
    [
      ["validate", sheet, "--script", "relations", "--lang", "nll"],
      'mdimport: option --lang: "nll" is not one of nl, en, de; did you mean nl?',
    ],
    [
      ["run", sheet, "--script", "relations", "--approved", "x.json", "--welcome-mail", "ja"],
      'mdimport: option --welcome-mail: "ja" is not one of yes, no.',
    ],
  ])("%j", (args, message) => {
    const run = runCli(args);
    expect(run.stderr).toBe(`${message}\n`);
    expect(run.code).toBe(2);
  });

  it("accepts --lang and --script in any case", () => {
    const dir = tempDir();
    const run = runCli(["validate", sheet, "--script", "Relations", "--lang", "EN", "--out", join(dir, "out")]);
    expect(run.stderr).toBe("");
    const report = readJson<{ lang: string; script: string }>(join(dir, "out", "report.json"));
    expect(report).toMatchObject({ lang: "en", script: "relations" });
  });
});

import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixture, readJson, runCli, tempDir } from "../support/cli.js";
import { freshPlatform, servePlatform, type Serve } from "../support/platform.js";

const token = "profile-token-7f2a9c";
const sheet = fixture("relations.xlsx");
let server: Serve;
let emptyConfigHome: string;

beforeAll(async () => {
  server = await servePlatform(freshPlatform().db, "--token", token);
  emptyConfigHome = tempDir();
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

/**
 * A folder with a profiles file (mode 0600) at `file` holding these profiles, and beside that
 * file a token file in secrets/ and the platform's settings in settings.json.
 */
function profilesDir(profiles: Record<string, unknown>, file = "mdimport.config.json"): string {
  const dir = tempDir();
  const beside = dirname(join(dir, file));
  mkdirSync(join(beside, "secrets"), { recursive: true });
  writeFileSync(join(beside, "secrets", "token.txt"), `${token}\n`);
  writeFileSync(join(beside, "settings.json"), readFileSync(fixture("platform-state.json")));
  writeFileSync(join(dir, file), JSON.stringify({ profiles }), { mode: 0o600 });
  return dir;
}

/** The CLI with no token in the environment and no profiles file of the user's. */
const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(args, { cwd, env: { MDIMPORT_TOKEN: "", XDG_CONFIG_HOME: emptyConfigHome, ...env } });

const testRun = (platform: string, cwd: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  cli(
    ["test-run", sheet, "--script", "relations", "--platform", platform, "--out", join(cwd, "out"), ...extra],
    cwd,
    env,
  );

const profile = (fields: Record<string, unknown> = {}) => ({
  host: server.url,
  token_file: "secrets/token.txt",
  config: "settings.json",
  ...fields,
});

describe("--platform NAME: a profile in mdimport.config.json or $XDG_CONFIG_HOME/mdimport/config.json", () => {
  it("takes host, token file, settings file and lang from the profile, paths relative to the profiles file", () => {
    const dir = profilesDir({ voorbeeld: profile({ lang: "en", rate: 50, timeout: 20, concurrency: 2 }) });
    const run = testRun("voorbeeld", dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1); // relations.xlsx has rows that are not planned, on purpose
    expect(run.stdout).toContain(`platform ${server.url}: mode training`);
    const report = readJson<{ platform: string; lang: string }>(join(dir, "out", "report.json"));
    expect(report).toMatchObject({ platform: server.url, lang: "en" });
  });

  it("lets options on the command line win: --lang, --token-file", () => {
    const dir = profilesDir({ voorbeeld: profile({ lang: "en" }) });
    expect(testRun("voorbeeld", dir, ["--lang", "de"]).code).toBe(1);
    expect(readJson<{ lang: string }>(join(dir, "out", "report.json")).lang).toBe("de");
    writeFileSync(join(dir, "wrong-token.txt"), "not-the-token\n");
    const refused = testRun("voorbeeld", dir, [
      "--token-file",
      join(dir, "wrong-token.txt"),
      "--out",
      join(dir, "out2"),
    ]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/token/i);
  });

  it("reads $XDG_CONFIG_HOME/mdimport/config.json when the working folder has none, and runs its token_command", () => {
    const home = profilesDir(
      { md: profile({ token_file: undefined, token_command: "cat secrets/token.txt" }) },
      "mdimport/config.json",
    );
    const cwd = tempDir();
    const run = testRun("md", cwd, [], { XDG_CONFIG_HOME: home });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    // The token is in no file the command wrote, nor in what it printed.
    for (const file of readdirSync(join(cwd, "out")))
      expect(readFileSync(join(cwd, "out", file)).includes(token)).toBe(false);
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it("falls back to ~/.config/mdimport/config.json without XDG_CONFIG_HOME", () => {
    const home = profilesDir({ md: profile() }, ".config/mdimport/config.json");
    const run = testRun("md", tempDir(), [], { HOME: home, XDG_CONFIG_HOME: "" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
  });

  it("prefers the working folder's profiles file", () => {
    const home = profilesDir({ md: profile({ host: "http://127.0.0.1:1" }) }, "mdimport/config.json");
    const dir = profilesDir({ md: profile() });
    expect(testRun("md", dir, [], { XDG_CONFIG_HOME: home }).code).toBe(1);
  });

  it("runs what a test run through the same profile approved (its own platform, which the run changes)", async () => {
    const own = await servePlatform(freshPlatform().db, "--token", token);
    try {
      const dir = profilesDir({ voorbeeld: profile({ host: own.url }) });
      expect(testRun("voorbeeld", dir).code).toBe(1);
      const run = cli(
        [
          "run",
          sheet,
          "--script",
          "relations",
          "--approved",
          join(dir, "out", "report.json"),
          "--platform",
          "voorbeeld",
          "--out",
          join(dir, "run"),
        ],
        dir,
      );
      expect(run.stderr).toBe("");
      expect(run.code).toBe(1);
      const report = readJson<{ platform: string; summary: Record<string, number> }>(join(dir, "run", "report.json"));
      expect(report.platform).toBe(own.url);
      expect(report.summary.done).toBeGreaterThan(0);
    } finally {
      expect(await own.stop()).toBe(0);
    }
  });

  it("a token_command that fails is exit 4, naming the profile and the exit status, never its output", () => {
    const dir = profilesDir({
      voorbeeld: profile({ token_file: undefined, token_command: "echo secret-out-1; echo secret-err-2 >&2; exit 3" }),
      leeg: profile({ token_file: undefined, token_command: "printf '  \\n'" }),
    });
    const failed = testRun("voorbeeld", dir);
    expect(failed.stderr).toBe(
      "mdimport: The token_command of profile voorbeeld failed with exit status 3; no token, so no platform.\n",
    );
    expect(failed.code).toBe(4);
    expect(failed.stdout).not.toContain("secret");
    const empty = testRun("leeg", dir);
    expect(empty.stderr).toBe(
      "mdimport: The token_command of profile leeg printed no token; no token, so no platform.\n",
    );
    expect(empty.code).toBe(4);
  });

  it.each([
    [
      "an unknown profile, suggesting the nearest and listing the known ones",
      { voorbeeld: { host: "https://a.example" }, andere: { host: "https://b.example" } },
      "voorbeld",
      (file: string) =>
        `mdimport: --platform voorbeld: no such profile in ${file}. Did you mean voorbeeld? The profiles are: voorbeeld, andere.\n`,
    ],
    [
      "an unknown key",
      { voorbeeld: { host: "https://a.example", tokenfile: "x" } },
      "voorbeeld",
      (file: string) =>
        `mdimport: The profiles file ${file} is not valid at profiles.voorbeeld: unknown key "tokenfile".\n`,
    ],
    [
      "a bad value",
      { voorbeeld: { host: "https://a.example", rate: -1 } },
      "voorbeeld",
      (file: string) =>
        `mdimport: The profiles file ${file} is not valid at profiles.voorbeeld.rate: Too small: expected number to be >0.\n`,
    ],
    [
      "plain http to a host that is not loopback",
      { voorbeeld: { host: "http://a.example" } },
      "voorbeeld",
      (file: string) =>
        `mdimport: The profiles file ${file} is not valid at profiles.voorbeeld.host: must be https://HOST (or http:// on a loopback address), with no user name or password.\n`,
    ],
    [
      "both token_file and token_command",
      { voorbeeld: { host: "https://a.example", token_file: "t", token_command: "c" } },
      "voorbeeld",
      (file: string) =>
        `mdimport: The profiles file ${file} is not valid at profiles.voorbeeld: give token_file or token_command, not both.\n`,
    ],
  ])("refuses %s with exit 2, in one sentence", (_, profiles, name, message) => {
    const dir = profilesDir(profiles);
    const run = testRun(name, dir);
    expect(run.stderr).toBe(message(join(dir, "mdimport.config.json")));
    expect(run.code).toBe(2);
  });

  it("refuses a profiles file that others may write (a token_command in it runs as you), exit 2", () => {
    const dir = profilesDir({ voorbeeld: profile() });
    const file = join(dir, "mdimport.config.json");
    chmodSync(file, 0o664);
    const run = testRun("voorbeeld", dir);
    expect(run.stderr).toBe(
      `mdimport: The profiles file ${file} may be written by others; make it yours alone: chmod go-w ${file}.\n`,
    );
    expect(run.code).toBe(2);
  });

  it("says where it looked when there is no profiles file, exit 2", () => {
    const dir = tempDir();
    const run = testRun("voorbeeld", dir);
    expect(run.stderr).toBe(
      `mdimport: --platform must be "local" or https://HOST, or name a profile; "voorbeeld" is none: there is no profiles file (looked for ${join(dir, "mdimport.config.json")} and ${join(emptyConfigHome, "mdimport", "config.json")}).\n`,
    );
    expect(run.code).toBe(2);
  });
});

describe("mdimport platform list", () => {
  const profiles = () => ({
    voorbeeld: profile({ rate: 5 }),
    andere: { host: "https://andere.example", token_command: `echo ${token}` },
    ci: { host: "https://ci.example" },
  });

  it("prints each profile's name, host and where its token comes from, never the token", () => {
    const dir = profilesDir(profiles());
    const run = cli(["platform", "list"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const file = join(dir, "mdimport.config.json");
    expect(run.stdout).toBe(
      [
        `profiles in ${file}:`,
        `  voorbeeld  ${server.url}  token file ${join(dir, "secrets", "token.txt")}`,
        `  andere     https://andere.example  token command`,
        `  ci         https://ci.example  MDIMPORT_TOKEN`,
        "",
      ].join("\n"),
    );
    expect(run.stdout).not.toContain(token);
  });

  it("--json gives the same as one JSON document", () => {
    const dir = profilesDir(profiles());
    const run = cli(["platform", "list", "--json"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(token);
    const listed = JSON.parse(run.stdout) as { file: string; profiles: Record<string, unknown>[] };
    expect(listed.file).toBe(join(dir, "mdimport.config.json"));
    expect(listed.profiles).toEqual([
      {
        name: "voorbeeld",
        host: server.url,
        token: { from: "token_file", file: join(dir, "secrets", "token.txt") },
        config: join(dir, "settings.json"),
        rate: 5,
      },
      { name: "andere", host: "https://andere.example", token: { from: "token_command" } },
      { name: "ci", host: "https://ci.example", token: { from: "MDIMPORT_TOKEN" } },
    ]);
  });

  it("works with no profiles file, saying where it looked", () => {
    const dir = tempDir();
    const looked = [join(dir, "mdimport.config.json"), join(emptyConfigHome, "mdimport", "config.json")];
    const run = cli(["platform", "list"], dir);
    expect(run.stdout).toBe(`no profiles: looked for ${looked.join(" and ")}\n`);
    expect(run.code).toBe(0);
    const json = cli(["platform", "list", "--json"], dir);
    expect(JSON.parse(json.stdout)).toEqual({ file: null, looked, profiles: [] });
  });
});

import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { binPath, runCli, tempDir } from "../support/cli.js";

const scripts = ["new-clients", "new-professionals", "relations", "update-clients", "update-professionals"];
const installed = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

let bashScript: string;
let files: string;
beforeAll(() => {
  const dir = tempDir();
  const run = runCli(["completion", "bash"]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  bashScript = join(dir, "mdimport.bash");
  writeFileSync(bashScript, run.stdout);
  files = join(dir, "files");
  mkdirSync(join(files, "sub"), { recursive: true });
  writeFileSync(join(files, "clients.xlsx"), "");
  writeFileSync(join(files, "key.asc"), "");
});

/** What bash completes for the words typed so far (the last one being completed), as a shell would call the function. */
function complete(...words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(" ");
  const script = `source '${bashScript}'; COMP_WORDS=(mdimport ${quoted}); COMP_CWORD=${words.length}; COMP_LINE="mdimport ${words.join(" ")}"; COMP_POINT=\${#COMP_LINE}; _mdimport; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["--norc", "--noprofile", "-c", script], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout.split("\n").filter(Boolean).sort();
}

describe("mdimport completion bash", () => {
  it("registers a completion function for mdimport", () => {
    const result = spawnSync(
      "bash",
      ["--norc", "--noprofile", "-c", `source '${bashScript}' && complete -p mdimport`],
      { encoding: "utf8" },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("complete -F _mdimport mdimport\n");
  });

  it("completes commands, subcommands and options", () => {
    expect(complete("val")).toEqual(["validate"]);
    expect(complete("validate", "--scr")).toEqual(["--script"]);
    expect(complete("te")).toEqual(["template", "test-run"]);
    expect(complete("platform", "")).toEqual(expect.arrayContaining(["dump", "init", "list", "load", "serve"]));
    expect(complete("platform", "serve", "--p")).toEqual(["--page-size", "--port"]);
    expect(complete("platform", "list", "--")).toEqual(["--help", "--json"]);
    expect(complete("encrypt", "x.xlsx", "--ar")).toEqual(["--armor"]);
    expect(complete("--ver")).toEqual(["--version"]);
  });

  it("completes script names, languages, choices and shells", () => {
    expect(complete("validate", "--script", "")).toEqual(scripts);
    expect(complete("test-run", "x.xlsx", "--script", "up")).toEqual(["update-clients", "update-professionals"]);
    expect(complete("template", "")).toEqual(expect.arrayContaining(scripts));
    expect(complete("validate", "--lang", "")).toEqual(["de", "en", "nl"]);
    expect(complete("run", "--welcome-mail", "")).toEqual(["no", "yes"]);
    expect(complete("completion", "")).toEqual(["bash", "fish", "zsh"]);
  });

  it("completes file names for <input>, --key, --out and other files, and nothing for a number", () => {
    expect(complete("validate", `${files}/cl`)).toEqual([`${files}/clients.xlsx`]);
    expect(complete("validate", "--script", "relations", `${files}/cl`)).toEqual([`${files}/clients.xlsx`]);
    expect(complete("test-run", "x.xlsx", "--key", `${files}/k`)).toEqual([`${files}/key.asc`]);
    expect(complete("encrypt", "x.xlsx", "--to", `${files}/k`)).toEqual([`${files}/key.asc`]);
    expect(complete("validate", "x.xlsx", "--out", `${files}/s`)).toEqual([`${files}/sub`]);
    expect(complete("run", "x.xlsx", "--concurrency", "")).toEqual([]);
  });
});

describe("mdimport completion zsh and fish", () => {
  it("prints a script for each, and refuses another shell (exit 2)", () => {
    expect(runCli(["completion", "zsh"]).stdout).toMatch(/^#compdef mdimport\n/);
    expect(runCli(["completion", "fish"]).stdout).toContain("complete -c mdimport");
    const other = runCli(["completion", "tcsh"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe('mdimport: argument shell: "tcsh" is not one of bash, zsh, fish.\n');
  });

  it.skipIf(!installed("zsh"))("zsh -n accepts the zsh script (skipped where zsh is not installed)", () => {
    const file = join(tempDir(), "_mdimport");
    writeFileSync(file, runCli(["completion", "zsh"]).stdout);
    const result = spawnSync("zsh", ["-n", file], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.skipIf(!installed("fish"))("fish -n accepts the fish script (skipped where fish is not installed)", () => {
    const file = join(tempDir(), "mdimport.fish");
    writeFileSync(file, runCli(["completion", "fish"]).stdout);
    const result = spawnSync("fish", ["-n", file], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.skipIf(!installed("fish"))("fish completes commands, options and script names from the script", () => {
    const file = join(tempDir(), "mdimport.fish");
    writeFileSync(file, runCli(["completion", "fish"]).stdout);
    const complete = (line: string) =>
      spawnSync("fish", ["--no-config", "-c", `source ${file}; complete -C "${line}"`], { encoding: "utf8" })
        .stdout.split("\n")
        .map((l) => l.split("\t")[0]);
    expect(complete("mdimport val")).toContain("validate");
    expect(complete("mdimport validate --scr")).toContain("--script");
    expect(complete("mdimport template ")).toEqual(expect.arrayContaining(scripts));
  });
});

describe("completion of --platform", () => {
  // An installed mdimport on PATH (the scripts ask it for the profiles), and a working folder
  // whose profiles file names two platforms.
  const dir = tempDir();
  const bin = join(dir, "bin");
  const work = join(dir, "work");
  mkdirSync(bin);
  mkdirSync(work);
  writeFileSync(join(bin, "mdimport"), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`, { mode: 0o755 });
  const profiles = {
    profiles: { acceptance: { host: "https://acc.example.org" }, "klant-b": { host: "https://b.example.org" } },
  };
  writeFileSync(join(work, "mdimport.config.json"), JSON.stringify(profiles), { mode: 0o600 });
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, "config"),
  };
  const script = (shell: string) => {
    const file = join(dir, `mdimport.${shell}`);
    writeFileSync(file, runCli(["completion", shell]).stdout);
    return file;
  };

  it("offers local and the profiles file's names in bash, and only local where there is no file", () => {
    const file = script("bash");
    const complete = (cwd: string, ...words: string[]) => {
      const line = `source '${file}'; COMP_WORDS=(mdimport ${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length}; _mdimport; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = spawnSync("bash", ["--norc", "--noprofile", "-c", line], { encoding: "utf8", cwd, env });
      expect(result.stderr).toBe("");
      return result.stdout.split("\n").filter(Boolean).sort();
    };
    expect(complete(work, "test-run", "x.xlsx", "--platform", "")).toEqual(["acceptance", "klant-b", "local"]);
    expect(complete(work, "platform", "check", "--platform", "k")).toEqual(["klant-b"]);
    expect(complete(dir, "run", "x.xlsx", "--platform", "")).toEqual(["local"]);
  });

  it("platform list --names prints one name per line and stays out of --help", () => {
    const names = spawnSync(process.execPath, [binPath, "platform", "list", "--names"], {
      encoding: "utf8",
      cwd: work,
      env,
    });
    expect(names.stdout).toBe("acceptance\nklant-b\n");
    expect(names.status).toBe(0);
    expect(runCli(["platform", "list", "--help"]).stdout).not.toContain("--names");
  });

  it.skipIf(!installed("fish"))("offers them in fish", () => {
    const file = script("fish");
    const result = spawnSync(
      "fish",
      ["--no-config", "-c", `source ${file}; complete -C "mdimport test-run x.xlsx --platform "`],
      {
        encoding: "utf8",
        cwd: work,
        env,
      },
    );
    expect(
      result.stdout
        .split("\n")
        .map((l) => l.split("\t")[0])
        .filter(Boolean)
        .sort(),
    ).toEqual(["acceptance", "klant-b", "local"]);
  });

  it.skipIf(!installed("zsh"))("zsh -n accepts the script with its platforms function", () => {
    const file = script("zsh");
    const result = spawnSync("zsh", ["-n", file], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

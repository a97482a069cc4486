import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PlatformError } from "../shared/errors.js";
import { applyProfile, isProfileName, type ProfileTarget, profilesFiles, runTokenCommand } from "./profiles.js";

const dir = mkdtempSync(join(tmpdir(), "mdimport-profiles-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tokenOf = (command: string, timeoutMs?: number) =>
  runTokenCommand(
    { name: "p", tokenCommand: command, dir },
    { env: { PATH: process.env.PATH }, ...(timeoutMs ? { timeoutMs } : {}) },
  );

describe("profiles", () => {
  it.each([
    ["voorbeeld", true],
    ["md.test-1", true],
    ["local", false],
    ["https://host", false],
    ["http://127.0.0.1:8080", false],
    ["file:x", false],
  ])("--platform %s names a profile: %s", (platform, named) => {
    expect(isProfileName(platform)).toBe(named);
  });

  it("looks in the working folder, then $XDG_CONFIG_HOME, else ~/.config", () => {
    expect(profilesFiles("/w", { XDG_CONFIG_HOME: "/x", HOME: "/h" })).toEqual([
      "/w/mdimport.config.json",
      "/x/mdimport/config.json",
    ]);
    expect(profilesFiles("/w", { HOME: "/h" })).toEqual(["/w/mdimport.config.json", "/h/.config/mdimport/config.json"]);
    expect(profilesFiles("/w", { XDG_CONFIG_HOME: "rel", HOME: "/h" })[1]).toBe("/h/.config/mdimport/config.json");
  });

  it("puts a profile's settings under the options not given on the command line, paths from the file's folder", () => {
    const home = mkdtempSync(join(dir, "home-"));
    const profile = {
      host: "https://a.example",
      token_file: "t.txt",
      config: "c.json",
      rate: 2,
      concurrency: 3,
      timeout: 9,
      lang: "de",
    };
    writeFileSync(join(home, "mdimport.config.json"), JSON.stringify({ profiles: { a: profile } }), { mode: 0o600 });
    const options: ProfileTarget = { platform: "a", lang: "nl", rate: 5 };
    const merged = applyProfile(options, (key) => key === "rate", home, {});
    expect(merged).toMatchObject({
      platform: "https://a.example",
      tokenFile: join(home, "t.txt"),
      config: join(home, "c.json"),
      rate: 5,
      concurrency: 3,
      timeout: 9,
      lang: "de",
    });
    expect(merged.profile?.name).toBe("a");
  });

  it("leaves a platform that is not a profile's name as it is", () => {
    const options = { platform: "local", rate: 1 };
    expect(applyProfile(options, () => false, dir, {})).toBe(options);
  });

  it("trims the token_command's output, and runs it in the profiles file's folder without stdin", async () => {
    await expect(tokenOf("printf '  abc\\n\\n'")).resolves.toBe("abc");
    await expect(tokenOf("pwd")).resolves.toBe(dir);
    await expect(tokenOf("cat; echo after-eof")).resolves.toBe("after-eof");
  });

  it("stops a token_command that takes too long, and says so without its output", async () => {
    const error = await tokenOf("echo partial-secret; exec sleep 30", 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as Error).message).toBe(
      "The token_command of profile p did not finish within 0.1 s; no token, so no platform.",
    );
  });

  it("refuses a command that cannot start or prints far more than a token", async () => {
    await expect(tokenOf("exit 127")).rejects.toThrow("failed with exit status 127");
    await expect(tokenOf("head -c 100000 /dev/zero | tr '\\0' a")).rejects.toThrow("printed more than a token");
  });
});

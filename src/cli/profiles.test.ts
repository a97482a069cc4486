import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PlatformError } from "../shared/errors.js";
import { applyProfile, isProfileName, profilesFiles, runTokenCommand } from "./profiles.js";

const dir = mkdtempSync(join(tmpdir(), "mdimport-profiles-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tokenOf = (command: string, timeoutMs?: number) =>
  runTokenCommand({ name: "p", tokenCommand: command, dir }, { env: { PATH: process.env.PATH }, ...(timeoutMs ? { timeoutMs } : {}) });

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
    expect(profilesFiles("/w", { XDG_CONFIG_HOME: "/x", HOME: "/h" })).toEqual(["/w/mdimport.config.json", "/x/mdimport/config.json"]);
    expect(profilesFiles("/w", { HOME: "/h" })).toEqual(["/w/mdimport.config.json", "/h/.config/mdimport/config.json"]);
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
    expect((error as Error).message).toBe("The token_command of profile p did not finish within 0.1 s; no token, so no platform.");
  });

  it("refuses a command that cannot start or prints far more than a token", async () => {
    await expect(tokenOf("exit 127")).rejects.toThrow("failed with exit status 127");
    await expect(tokenOf("head -c 100000 /dev/zero | tr '\\0' a")).rejects.toThrow("printed more than a token");
  });
});

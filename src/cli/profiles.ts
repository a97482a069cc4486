import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { platformUrl } from "../platform/http/http-platform.js";
import { langs } from "../scripts/index.js";
import { PlatformError, UsageError } from "../shared/errors.js";
import { readReason } from "../shared/safe-fs.js";
import { nearest } from "./usage.js";

/*
 * Platform profiles: `--platform NAME` names a profile in mdimport.config.json (the working
 * folder) or else $XDG_CONFIG_HOME/mdimport/config.json:
 *   { "profiles": { "voorbeeld": { "host": "https://voorbeeld.minddistrict.com",
 *                                  "token_command": "pass show md/voorbeeld", "rate": 3 } } }
 * NOTE: every problem with the profiles file is a UsageError (exit 2), not a PlatformError
 * (4): the file says how the command is to be run, as its options do, and nothing has been
 * asked of a platform yet. Only a token_command that fails is exit 4: the token, the
 * platform's key, could not be had.
 */

const profileName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** How long a token_command may take (a password manager may ask for its own passphrase). */
export const tokenCommandTimeoutMs = 30_000;

const host = z.string().refine((value) => {
  try {
    platformUrl(value);
    return true;
  } catch {
    return false;
  }
}, "must be https://HOST (or http:// on a loopback address), with no user name or password");

const profileSchema = z
  .strictObject({
    host,
    token_file: z.string().min(1).optional(),
    token_command: z.string().min(1).optional(),
    config: z.string().min(1).optional(),
    rate: z.number().positive().optional(),
    concurrency: z.number().int().positive().optional(),
    timeout: z.number().positive().optional(),
    lang: z.enum(langs as ["nl", "en", "de"]).optional(),
  })
  .refine((p) => !(p.token_file && p.token_command), "give token_file or token_command, not both");

const profilesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  profiles: z.record(
    z
      .string()
      .regex(profileName, "a profile's name is letters, digits, '.', '_' and '-'")
      .refine((name) => name !== "local", '"local" is the embedded platform, not a profile name'),
    profileSchema,
  ),
});

/** A profile as the commands use it: paths made absolute against the profiles file's folder. */
export interface Profile {
  name: string;
  host: string;
  tokenFile?: string;
  tokenCommand?: string;
  config?: string;
  rate?: number;
  concurrency?: number;
  timeout?: number;
  lang?: (typeof langs)[number];
  /** The folder of the profiles file: relative paths and the token command start there. */
  dir: string;
}

/** The profiles found: the file read (null if none), where it looked, and the profiles in the file's order. */
export interface Profiles {
  file: string | null;
  looked: string[];
  profiles: Profile[];
}

/** The candidate profiles files, first found wins: the working folder's, then the user's. */
export function profilesFiles(cwd: string, env: NodeJS.ProcessEnv): string[] {
  // NOTE: a relative XDG_CONFIG_HOME is ignored, as the XDG base directory spec asks.
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined;
  return [
    join(cwd, "mdimport.config.json"),
    join(xdg ?? join(env.HOME || homedir(), ".config"), "mdimport", "config.json"),
  ];
}

/**
 * NOTE: refused, not warned about, like ssh's "Bad owner or permissions": a token_command
 * runs as the user, so whoever may write the file may run commands as the user and read
 * the token. The file must be the user's own and not writable by group or others.
 */
function checkOwnership(file: string, mode: number, uid: number): void {
  const myUid = process.getuid?.();
  if (myUid !== undefined && uid !== myUid)
    throw new UsageError(`The profiles file ${file} is not yours; make it your own (chown) or remove it.`);
  if (mode & 0o022)
    throw new UsageError(
      `The profiles file ${file} may be written by others; make it yours alone: chmod go-w ${file}.`,
    );
}

function parseProfiles(file: string, text: string): Profile[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The profiles file ${file} is not JSON: ${(error as Error).message}.`, { cause: error });
  }
  const parsed = profilesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join(".") || "(top)";
    const what =
      issue.code === "unrecognized_keys" ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}` : issue.message;
    throw new UsageError(`The profiles file ${file} is not valid at ${where}: ${what}.`);
  }
  const dir = dirname(file);
  return Object.entries(parsed.data.profiles).map(([name, p]) => ({
    name,
    host: p.host,
    dir,
    ...(p.token_file ? { tokenFile: resolve(dir, p.token_file) } : {}),
    ...(p.token_command ? { tokenCommand: p.token_command } : {}),
    ...(p.config ? { config: resolve(dir, p.config) } : {}),
    ...(p.rate === undefined ? {} : { rate: p.rate }),
    ...(p.concurrency === undefined ? {} : { concurrency: p.concurrency }),
    ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
    ...(p.lang === undefined ? {} : { lang: p.lang }),
  }));
}

/** Reads the first profiles file there is (none is no profiles, not an error). */
export function readProfiles(cwd: string, env: NodeJS.ProcessEnv): Profiles {
  const looked = profilesFiles(cwd, env);
  for (const file of looked) {
    let stat;
    try {
      stat = statSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR")
        continue;
      throw new UsageError(`Cannot read the profiles file ${file}: ${readReason(error)}.`, { cause: error });
    }
    checkOwnership(file, stat.mode, stat.uid);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(`Cannot read the profiles file ${file}: ${readReason(error)}.`, { cause: error });
    }
    return { file, looked, profiles: parseProfiles(file, text) };
  }
  return { file: null, looked, profiles: [] };
}

/** Whether --platform names a profile: no scheme, and not the embedded "local". */
export const isProfileName = (platform: string): boolean =>
  platform !== "local" && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(platform);

/** The profile --platform NAME names; an unknown name suggests the nearest and lists the known ones. */
export function findProfile(name: string, cwd: string, env: NodeJS.ProcessEnv): Profile {
  const { file, looked, profiles } = readProfiles(cwd, env);
  const profile = profiles.find((p) => p.name === name);
  if (profile) return profile;
  if (!file) {
    throw new UsageError(
      `--platform must be "local" or https://HOST, or name a profile; "${name}" is none: there is no profiles file (looked for ${looked.join(" and ")}).`,
    );
  }
  const names = profiles.map((p) => p.name);
  const near = nearest(name, names);
  const hint = near.length > 0 ? ` Did you mean ${near.join(" or ")}?` : "";
  const known = names.length > 0 ? ` The profiles are: ${names.join(", ")}.` : " It has no profiles.";
  throw new UsageError(`--platform ${name}: no such profile in ${file}.${hint}${known}`);
}

/** Where a profile's token comes from, for people: never the token itself. */
export const tokenSource = (profile: Profile): string =>
  profile.tokenFile ? `token file ${profile.tokenFile}` : profile.tokenCommand ? "token command" : "MDIMPORT_TOKEN";

/**
 * Runs a profile's token_command with /bin/sh -c, in the profiles file's folder, no stdin,
 * within `timeoutMs`; its stdout, trimmed, is the token. Neither the command's output nor the
 * token ever reaches an error: a failure names the profile and the exit status only. The
 * command's stderr is passed on only with --debug (it is the command's, not ours, to word).
 */
export function runTokenCommand(
  profile: Pick<Profile, "name" | "tokenCommand" | "dir">,
  options: { env: NodeJS.ProcessEnv; timeoutMs?: number; debug?: boolean },
): Promise<string> {
  const fail = (why: string) =>
    new PlatformError(`The token_command of profile ${profile.name} ${why}; no token, so no platform.`);
  return new Promise((resolveToken, reject) => {
    const child = spawn("/bin/sh", ["-c", profile.tokenCommand ?? ""], {
      cwd: profile.dir,
      env: options.env,
      stdio: ["ignore", "pipe", options.debug ? "inherit" : "ignore"],
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        child.kill("SIGKILL");
        child.stdout.destroy();
        reject(error);
        return;
      }
      const token = Buffer.concat(chunks).toString("utf8").trim();
      chunks.fill(Buffer.alloc(0));
      if (!token) reject(fail("printed no token"));
      else resolveToken(token);
    };
    const timeoutMs = options.timeoutMs ?? tokenCommandTimeoutMs;
    // NOTE: sh is killed, not its own children (a new process group would cost the terminal a
    // password manager may ask on); `exec` in the command makes the command itself the one killed.
    const timer = setTimeout(() => finish(fail(`did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // A token is short; more than this is not a token, and is not kept.
      if (size > 64 * 1024) finish(fail("printed more than a token"));
      else chunks.push(chunk);
    });
    child.on("error", (error) => finish(fail(`could not be started (${readReason(error)})`)));
    child.on("close", (code, signal) => {
      if (code === 0) finish(null);
      else finish(fail(signal ? `was ended by ${signal}` : `failed with exit status ${code}`));
    });
  });
}

/** The options a profile gives, under their commander names; `profile` is set once one was applied. */
export interface ProfileTarget {
  platform: string;
  tokenFile?: string;
  config?: string;
  rate?: number;
  concurrency?: number;
  timeout?: number;
  lang?: (typeof langs)[number];
  profile?: Profile;
}

/**
 * `--platform NAME`: the profile's host, and its settings for every option not given on the
 * command line (`given` tells, from commander's getOptionValueSource). A --token-file given
 * wins over the profile's token_file or token_command.
 */
export function applyProfile<T extends ProfileTarget>(
  options: T,
  given: (option: string) => boolean,
  cwd: string,
  env: NodeJS.ProcessEnv,
): T {
  if (!isProfileName(options.platform)) return options;
  const profile = findProfile(options.platform, cwd, env);
  const merged: T = { ...options, platform: profile.host, profile };
  const take = <K extends "tokenFile" | "config" | "rate" | "concurrency" | "timeout" | "lang">(
    key: K,
    value: T[K] | undefined,
  ) => {
    if (value !== undefined && !given(key)) merged[key] = value;
  };
  take("tokenFile", profile.tokenFile as T["tokenFile"]);
  take("config", profile.config as T["config"]);
  take("rate", profile.rate as T["rate"]);
  take("concurrency", profile.concurrency as T["concurrency"]);
  take("timeout", profile.timeout as T["timeout"]);
  take("lang", profile.lang as T["lang"]);
  return merged;
}

/** `platform list --json`: the profiles with where their token comes from, never a token. */
export function profilesJson(found: Profiles): string {
  const profiles = found.profiles.map((p) => ({
    name: p.name,
    host: p.host,
    token: p.tokenFile
      ? { from: "token_file", file: p.tokenFile }
      : { from: p.tokenCommand ? "token_command" : "MDIMPORT_TOKEN" },
    ...(p.config ? { config: p.config } : {}),
    ...(p.rate === undefined ? {} : { rate: p.rate }),
    ...(p.concurrency === undefined ? {} : { concurrency: p.concurrency }),
    ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
    ...(p.lang === undefined ? {} : { lang: p.lang }),
  }));
  return `${JSON.stringify({ file: found.file, looked: found.looked, profiles }, null, 2)}\n`;
}

/** `platform list`: one line per profile (name, host, token source), or where it looked. */
export function profilesText(found: Profiles): string {
  if (!found.file) return `no profiles: looked for ${found.looked.join(" and ")}\n`;
  if (found.profiles.length === 0) return `no profiles in ${found.file}\n`;
  const width = Math.max(...found.profiles.map((p) => p.name.length));
  const lines = found.profiles.map((p) => `  ${p.name.padEnd(width)}  ${p.host}  ${tokenSource(p)}`);
  return `profiles in ${found.file}:\n${lines.join("\n")}\n`;
}

import { type Command, Option } from "commander";
import type { CountryCode } from "libphonenumber-js";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { DecryptOptions } from "../input/read-input.js";
import type { WelcomeMailAnswers } from "../pipeline/journal.js";
import { readPlatformConfig } from "../platform/config.js";
import { renderRequestSummary, type RequestSummary } from "../platform/http/request-log.js";
import { defaultDb, defaultRate, defaultTimeoutSeconds } from "../platform/open.js";
import { phoneRegionOf } from "../scripts/fields.js";
import { langs } from "../scripts/index.js";
import { InputError, UsageError } from "../shared/errors.js";
import { readReason } from "../shared/safe-fs.js";
import { applyProfile, type Profile, type ProfileTarget, runTokenCommand } from "./profiles.js";
import type { CliContext } from "./scope.js";

// The option parsers and the option sets more than one command shares: the decryption of an
// input, the platform and its token. Secrets come from files or the environment, never from an
// argument.

/** The options that open an encrypted input. */
export interface DecryptCliOptions {
  key?: string;
  passphraseFile?: string;
  passwordFile?: string;
  verifyKey?: string;
}

/** A passphrase comes from a file or the environment (MDIMPORT_PASSPHRASE), never from an argument. */
export async function readPassphrase(file: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (!file) return env.MDIMPORT_PASSPHRASE;
  try {
    return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
  } catch (error) {
    throw new InputError(`Cannot read the passphrase file ${basename(file)}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

/** The decryption options of a sheet command. */
export async function decryptOptions(options: DecryptCliOptions, env: NodeJS.ProcessEnv): Promise<DecryptOptions> {
  if (options.key && options.passwordFile) throw new UsageError("Give --key or --password-file, not both.");
  const passphrase = await readPassphrase(options.passphraseFile, env);
  return {
    ...(options.key ? { key: options.key } : {}),
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(options.passwordFile ? { passwordFile: options.passwordFile } : {}),
    ...(options.verifyKey ? { verifyKey: options.verifyKey } : {}),
  };
}

/** A whole number of 0 or more, from an option. */
export function parseCount(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`"${value}" is not a whole number of 0 or more.`);
  return number;
}

/** A number greater than 0, from an option. */
export function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`"${value}" is not a number greater than 0.`);
  return number;
}

/** A whole number greater than 0, from an option. */
export function parseWhole(value: string): number {
  const number = parseCount(value);
  if (number === 0) throw new UsageError(`"${value}" is not a whole number greater than 0.`);
  return number;
}

/** A country for --phone-region: a two-letter code libphonenumber knows, in any case. */
export function parsePhoneRegion(value: string): CountryCode {
  const region = phoneRegionOf(value);
  if (!region) throw new UsageError(`--phone-region "${value}" is not a country code such as NL, DE or BE.`);
  return region;
}

/** A share from 0 to 1, from an option. */
export function parseShare(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1)
    throw new UsageError(`"${value}" is not a number from 0 to 1.`);
  return number;
}

/**
 * The API token comes from a file or the environment (MDIMPORT_TOKEN), never from an argument.
 * What is wrong with it is said in one sentence; the token itself is never shown.
 */
async function readToken(file: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  let token: string;
  const where = file ? `The token file ${basename(file)}` : "MDIMPORT_TOKEN";
  if (!file) {
    token = env.MDIMPORT_TOKEN?.trim() ?? "";
    if (!token) return undefined;
  } else {
    try {
      token = (await readFile(file, "utf8")).trim();
    } catch (error) {
      throw new InputError(`Cannot read the token file ${basename(file)}: ${readReason(error)}.`, { cause: error });
    }
    if (!token) throw new InputError(`The token file ${basename(file)} is empty.`);
  }
  return checkToken(token, where);
}

function checkToken(token: string, where: string): string {
  // NOTE: visible ASCII only, what an Authorization header can carry; fetch would refuse
  // anything else with the token in its message.
  if (!/^[\x21-\x7e]+$/.test(token)) {
    const flaw = /\s/.test(token)
      ? "it has a line break or a space inside"
      : "it has characters other than ASCII letters, digits and punctuation";
    throw new InputError(`${where} holds more than a token: ${flaw}.`);
  }
  return token;
}

export interface PlatformCliOptions {
  platform: string;
  db: string;
  tokenFile?: string;
  config?: string;
  rate?: number;
  concurrency?: number;
  timeout?: number;
  verbose?: boolean;
  /** The profile --platform NAME named (see profiles.ts), once applied. */
  profile?: Profile;
}

/** The API token: --token-file (given or the profile's), else the profile's token_command, else MDIMPORT_TOKEN. */
async function platformToken(
  options: PlatformCliOptions,
  env: NodeJS.ProcessEnv,
  debug: boolean,
): Promise<string | undefined> {
  const profile = options.profile;
  if (options.tokenFile || !profile?.tokenCommand) return readToken(options.tokenFile, env);
  return checkToken(
    await runTokenCommand(profile, { env, debug }),
    `The output of profile ${profile.name}'s token_command`,
  );
}

/** The platform options of test-run, run and platform check, with the token read and the configuration parsed. */
export async function platformOptions(
  options: PlatformCliOptions,
  env: NodeJS.ProcessEnv,
  debug: boolean,
  stderr?: NodeJS.WritableStream,
) {
  const http = options.platform !== "local";
  const token = http ? await platformToken(options, env, debug) : undefined;
  return {
    platform: options.platform,
    db: options.db,
    ...(token ? { token } : {}),
    // --verbose: the request summary on stderr when the platform is closed (over HTTP).
    ...(options.verbose && stderr
      ? { onRequestSummary: (summary: RequestSummary) => stderr.write(renderRequestSummary(summary)) }
      : {}),
    ...(options.config ? { config: await readPlatformConfig(options.config) } : {}),
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeout === undefined ? {} : { timeoutSeconds: options.timeout }),
  };
}

/** The options that choose and reach a platform; `settings: false` leaves out --config (platform check reads no settings file). */
export function addPlatformOptions(command: Command, { settings = true } = {}): Command {
  command
    .option(
      "--platform <platform>",
      'the platform: "local" (the embedded one), https://HOST (Minddistrict API 2) or the name of a profile (see platform list)',
      "local",
    )
    .option("--db <file>", "the local platform's SQLite file", defaultDb)
    .option("--token-file <file>", "over HTTP: a file holding the API token (or set MDIMPORT_TOKEN)");
  if (settings)
    command.option(
      "--config <file>",
      "over HTTP: the platform's settings (client_fields, details_protection), as in a state file",
    );
  return command
    .option(
      "--timeout <seconds>",
      `over HTTP: seconds before a request counts as failed (default ${defaultTimeoutSeconds})`,
      parsePositive,
    )
    .option("--rate <n>", `over HTTP: requests per second, retries included (default ${defaultRate})`, parsePositive)
    .option(
      "--verbose",
      "over HTTP: print the request summary on stderr at the end (requests by route and status, retries, 429 pauses)",
    );
}

/** --platform NAME: the profile's settings under the options the command line does not give. */
export const withProfile = <T extends ProfileTarget>(options: T, command: Command, context: CliContext): T =>
  applyProfile(
    options,
    (key) => !["default", undefined].includes(command.getOptionValueSource(key)),
    context.cwd,
    context.env,
  );

/** A repeatable option's values, in the order given. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export const langOption = () =>
  new Option("--lang <lang>", "language of the requester's messages").choices(langs).default("nl");

/** --welcome-mail's answers, per kind of account: one answer for both, or `clients=yes,professionals=no` (either order, a kind may be left out). */
export function parseWelcomeMail(value: string): WelcomeMailAnswers {
  const answer = (text: string): "yes" | "no" | undefined => {
    const lower = text.trim().toLowerCase();
    return lower === "yes" || lower === "no" ? lower : undefined;
  };
  if (!value.includes("=")) {
    const both = answer(value);
    if (!both) throw new UsageError(`"${value}" is not one of yes, no.`);
    return { clients: both, professionals: both };
  }
  const answers: WelcomeMailAnswers = {};
  for (const part of value.split(",")) {
    const [key = "", given = "", ...rest] = part.split("=");
    const kind = key.trim().toLowerCase();
    if (kind !== "clients" && kind !== "professionals") {
      throw new UsageError(
        `"${key.trim()}" is not a kind of account: give clients=yes|no and/or professionals=yes|no, or one answer yes or no for both.`,
      );
    }
    const chosen = rest.length === 0 ? answer(given) : undefined;
    if (!chosen) throw new UsageError(`the answer for ${kind} must be yes or no, not "${[given, ...rest].join("=")}".`);
    if (answers[kind] !== undefined) throw new UsageError(`${kind} is answered twice.`);
    answers[kind] = chosen;
  }
  return answers;
}

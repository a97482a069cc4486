import { pino, type Logger } from "pino";
import { openFresh } from "./safe-fs.js";

export type { Logger };

/**
 * The redaction list: the personal fields the caller names (commands/log.ts gives every
 * script's), at the top level or one level down, and what else may hold a row or a secret.
 * The first rule is still never to log a row at all.
 */
export const redactPathsFor = (personalFields: readonly string[]): string[] => [
  ...personalFields.flatMap((field) => [field, `*.${field}`]),
  "values",
  "*.values",
  "cells",
  "*.cells",
  // A platform's own words may repeat a row: never logged (they are for report.xlsx only).
  "platform_text",
  "*.platform_text",
  "*.*.platform_text",
  "platformText",
  "*.platformText",
  "*.messages",
  "reasons",
  "*.reasons",
  "passphrase",
  "password",
  "token",
  "*.token",
  "headers.authorization",
  "*.headers.authorization",
];

/**
 * JSON log lines into <out>/mdimport.log, written synchronously so nothing is lost at exit.
 * The file is always a new one of the user's own (made under a temporary name, then renamed):
 * a planted symlink or another user's file by that name is replaced, never written through.
 */
export function openLogFile(dir: string, options: { debug: boolean; personalFields: readonly string[] }): Logger {
  const destination = pino.destination({ fd: openFresh(dir, "mdimport.log"), sync: true });
  const redact = { paths: redactPathsFor(options.personalFields), censor: "[redacted]" };
  return pino({ level: options.debug ? "debug" : "info", redact, base: { tool: "mdimport" } }, destination);
}

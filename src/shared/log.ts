import { pino, type Logger } from "pino";
import { personalFields } from "../scripts/index.js";
import { openFresh } from "./safe-fs.js";

export type { Logger };

/**
 * The redaction list, derived from the script definitions: any personal field, at the top
 * level or one level down. The first rule is still never to log a row at all.
 */
export const redactPaths: string[] = [
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
export function createFileLogger(dir: string, debug: boolean): Logger {
  const destination = pino.destination({ fd: openFresh(dir, "mdimport.log"), sync: true });
  return pino({ level: debug ? "debug" : "info", redact: { paths: redactPaths, censor: "[redacted]" }, base: { tool: "mdimport" } }, destination);
}

import { personalFields } from "../scripts/index.js";
import { openLogFile, redactPathsFor, type Logger } from "../shared/log.js";

/** What a command's log redacts: every personal field of every script, and shared/log.ts's own list. */
export const redactPaths: readonly string[] = redactPathsFor(personalFields);

/** A command's mdimport.log in `dir` (shared/log.ts), redacting every script's personal fields. */
export function createFileLogger(dir: string, debug: boolean): Logger {
  return openLogFile(dir, { debug, personalFields });
}

import type { Command } from "commander";
import type { Streams } from "./terminal.js";

/** What the CLI runs in: the streams, the working folder, the environment and the clock (injectable for tests). */
export interface CliContext extends Streams {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

/**
 * What a command builder is given: the program to add its command to, the context, and the
 * one way to set the exit code (program.ts holds it; only main.ts exits).
 */
export interface CliScope {
  program: Command;
  context: CliContext;
  setExit: (code: number) => void;
  /** argv as node gave it (node, script, arguments): run prints the command that resumes. */
  argv: readonly string[];
}

/** --debug on the program or on the command: stack traces of errors. */
export const debugging = (scope: CliScope, options: { debug?: boolean }): boolean =>
  Boolean(scope.program.opts().debug || options.debug);

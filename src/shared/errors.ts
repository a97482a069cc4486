/**
 * Errors that stop a command. Problems with single rows are data (see scripts/reasons.ts),
 * never thrown. Only src/cli/main.ts turns these into exit codes.
 */
export abstract class MdimportError extends Error {
  abstract readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Exit 2: unknown command or option, missing or malformed argument. */
export class UsageError extends MdimportError {
  readonly exitCode = 2;
}

/** Exit 3: the input cannot be read: not a workbook, cannot decrypt, required column missing. */
export class InputError extends MdimportError {
  readonly exitCode = 3;
}

/** Exit 4: the platform is unreachable or refuses the token. */
export class PlatformError extends MdimportError {
  readonly exitCode = 4;
}

/** Exit 5: `run` refused because the approval does not match. */
export class ApprovalError extends MdimportError {
  readonly exitCode = 5;
}

import { defaultPlatformConfig, readPlatformConfig } from "../pipeline/platform-config.js";
import { getScript } from "../scripts/index.js";
import { checkSheet, configOnly, type CommandResult, type SheetCommandOptions } from "./check-sheet.js";

export type { CommandResult };

export interface ValidateOptions extends SheetCommandOptions {
  config?: string;
}

/**
 * `mdimport validate`: every check that needs no platform. Reads the sheet, checks each
 * row and the duplicates between them, and writes the reports.
 */
export async function validateCommand(options: ValidateOptions): Promise<CommandResult> {
  const scriptDef = getScript(options.script);
  const config = options.config ? await readPlatformConfig(options.config) : defaultPlatformConfig;
  return checkSheet(options, "validate", scriptDef, null, configOnly(config));
}

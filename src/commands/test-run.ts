import { openPlatform, type PlatformOptions } from "../platform/open.js";
import { getScript } from "../scripts/index.js";
import { defaultPlatformConfig } from "../platform/config.js";
import { checkAllSheetsOptions, checkWorkbook } from "./check-workbook.js";
import { checkSheet, planOn, type CommandResult, type SheetCommandOptions } from "./check-sheet.js";

export type TestRunOptions = SheetCommandOptions & Omit<PlatformOptions, "cwd">;

/**
 * `mdimport test-run`: plans every valid row against a snapshot of the platform and changes
 * nothing. Its report.json is what the requester approves.
 */
export async function testRunCommand(options: TestRunOptions): Promise<CommandResult> {
  if (options.allSheets) checkAllSheetsOptions(options);
  const script = options.script === undefined ? undefined : getScript(options.script);
  const platform = await openPlatform(options);
  try {
    if (options.allSheets) return await checkWorkbook(options, "test-run", platform, defaultPlatformConfig);
    return await checkSheet(options, "test-run", script, platform, (scriptDef) => planOn(platform, scriptDef, "links"));
  } finally {
    await platform.close();
  }
}

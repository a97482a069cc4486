import { writeOutFile } from "../shared/out-dir.js";
import type { Report } from "./report.js";

/** report.json: the machine-readable report, and the approval a later `run` checks. */
export function writeJsonReport(dir: string, report: Report): void {
  writeOutFile(dir, "report.json", `${JSON.stringify(report, null, 2)}\n`);
}

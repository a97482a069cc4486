import { PlatformRuleError, PlatformUnavailable } from "../platform/platform.js";
import type { Reason } from "../scripts/reasons.js";

/**
 * The reason a refusal stands for: one of the contract's codes where one fits, else api_error
 * (detail `unavailable` when any adapter could not reach its platform: PlatformUnavailable).
 * The platform's own words (which may repeat the row) go into `platform_text` only, for report.xlsx.
 */
export function refusal(error: unknown): Reason {
  if (error instanceof PlatformUnavailable)
    return { code: "api_error", detail: "unavailable", platform_text: error.message };
  if (!(error instanceof PlatformRuleError))
    return { code: "api_error", platform_text: error instanceof Error ? error.message : String(error) };
  const answer = {
    ...(error.status === undefined ? {} : { http_status: error.status }),
    rule: error.rule,
    platform_text: error.platformText ?? error.message,
  };
  const fields = { email_in_use: "email", external_id_in_use: "id", bsn_in_use: "bsn" } as const;
  if (error.rule === "email_in_use" || error.rule === "external_id_in_use" || error.rule === "bsn_in_use") {
    return { code: error.rule, field: fields[error.rule], ...answer };
  }
  if (error.rule === "protected") return { code: "externally_managed", ...answer };
  return { code: "api_error", ...answer };
}

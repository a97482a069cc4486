import { describe, expect, it } from "vitest";
import { PlatformRuleError, PlatformUnavailable } from "../platform/platform.js";
import { refusal } from "./refusal.js";

/** An adapter's own unavailable error (the HTTP client's ApiUnavailable is one: test/platform/http-bounds.test.ts). */
class StoreBusy extends PlatformUnavailable {}

describe("refusal: the reason a failed write stands for", () => {
  const echo = "A user with this email address already exists: a@voorbeeld.nl (A B).";

  it.each([
    [
      "an adapter's own unavailable",
      new StoreBusy("the platform answered 503", true),
      { code: "api_error", detail: "unavailable", platform_text: "the platform answered 503" },
    ],
    [
      "any adapter's unavailable",
      new PlatformUnavailable("the store is busy", false),
      { code: "api_error", detail: "unavailable", platform_text: "the store is busy" },
    ],
    [
      "a rule with a field",
      new PlatformRuleError("email_in_use", "the platform refused: email_in_use (HTTP 400)", {
        status: 400,
        platformText: echo,
      }),
      { code: "email_in_use", field: "email", http_status: 400, rule: "email_in_use", platform_text: echo },
    ],
    [
      "a source ID in use",
      new PlatformRuleError("external_id_in_use", "in use"),
      { code: "external_id_in_use", field: "id", rule: "external_id_in_use", platform_text: "in use" },
    ],
    [
      "a BSN in use",
      new PlatformRuleError("bsn_in_use", "in use"),
      { code: "bsn_in_use", field: "bsn", rule: "bsn_in_use", platform_text: "in use" },
    ],
    [
      "a protected account",
      new PlatformRuleError("protected", "protected"),
      { code: "externally_managed", rule: "protected", platform_text: "protected" },
    ],
    [
      "any other rule",
      new PlatformRuleError("invalid", "a value breaks a rule of the platform"),
      { code: "api_error", rule: "invalid", platform_text: "a value breaks a rule of the platform" },
    ],
    [
      "any other error",
      new Error("something else went wrong"),
      { code: "api_error", platform_text: "something else went wrong" },
    ],
    ["a thrown non-error", "gone", { code: "api_error", platform_text: "gone" }],
  ])("%s", (_, error, reason) => {
    expect(refusal(error)).toEqual(reason);
  });
});

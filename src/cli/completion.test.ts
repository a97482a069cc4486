import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { completionScript, describeProgram, shells } from "./completion.js";
import { buildProgram } from "./program.js";

const context = { stdout: new PassThrough(), stderr: new PassThrough(), cwd: "/", env: {}, now: () => new Date(0) };
const program = () => buildProgram(context, () => undefined);

describe("completion scripts, made from the program tree", () => {
  it("describes every command with its options, argument kinds and subcommands", () => {
    const specs = describeProgram(program());
    const paths = specs.map((s) => s.path.join(" "));
    expect(paths).toEqual(
      expect.arrayContaining(["", "validate", "platform", "platform serve", "platform list", "completion"]),
    );
    const validate = specs.find((s) => s.path.join(" ") === "validate")!;
    expect(validate.args).toEqual(["files"]);
    expect(validate.options.find((o) => o.names.includes("--lang"))?.value).toEqual({ words: ["nl", "en", "de"] });
    expect(validate.options.find((o) => o.names.includes("--out"))?.value).toBe("dirs");
    expect(validate.options.find((o) => o.names.includes("--encrypt-report-to"))).toMatchObject({
      value: "files",
      repeatable: true,
    });
    expect(validate.options.find((o) => o.names.includes("--plain-report"))?.value).toBeNull();
    expect(specs.find((s) => s.path.join(" ") === "completion")!.args).toEqual([{ words: ["bash", "zsh", "fish"] }]);
  });

  it.each(shells)("%s: an option or command added to the program appears without an edit", (shell) => {
    const p = program();
    p.commands.find((c) => c.name() === "validate")!.option("--added-later <value>", "an option added later");
    p.command("doctor").description("a command added later").option("--deep-check", "look harder");
    const script = completionScript(p, shell);
    expect(script).toMatch(/--added-later|-l added-later/);
    expect(script).toContain("doctor");
    expect(script).toMatch(/--deep-check|-l deep-check/);
  });
});

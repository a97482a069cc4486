#!/usr/bin/env node
// Writes templates/<script>.<lang>.xlsx for every script and language, and onboarding.<lang>.xlsx (run: npm run templates).
// src/commands/template.test.ts fails when these files are not what the code makes now.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ONBOARDING, templateFileName } from "../dist/commands/template.js";
import { buildOnboardingTemplate, buildTemplate } from "../dist/report/template-xlsx.js";
import { langs, scripts } from "../dist/scripts/index.js";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "templates");
mkdirSync(out, { recursive: true });
for (const script of Object.values(scripts)) {
  for (const lang of langs) {
    writeFileSync(join(out, templateFileName(script.name, lang)), await buildTemplate(script, lang));
  }
}
for (const lang of langs)
  writeFileSync(join(out, templateFileName(ONBOARDING, lang)), await buildOnboardingTemplate(lang));
console.log(`templates written to ${out}`);

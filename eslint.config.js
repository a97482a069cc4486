// ESLint: typescript-eslint's type-checked rules; core code may not print or import commander;
// no folder of src/ imports a layer above it (ARCHITECTURE.md, "Import rules").
import { readdirSync } from "node:fs";
import { posix } from "node:path";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import vitest from "@vitest/eslint-plugin";

/**
 * What each folder of src/ may not import (a folder's subfolders are held to it too), for its
 * code and its tests alike; src/cli may import anything. ARCHITECTURE.md lists them with why.
 */
const forbidden = {
  shared: ["input", "scripts", "pipeline", "platform", "report", "commands", "cli"],
  scripts: ["pipeline", "platform", "report", "commands", "cli"],
  input: ["pipeline", "platform", "report", "commands", "cli"],
  // The platform interface and its neutral types only: no adapter, nor open.ts that picks one.
  pipeline: ["platform/http", "platform/local", "platform/serve", "platform/open.js", "report", "commands", "cli"],
  platform: ["pipeline", "report", "commands", "cli"],
  // The adapters apart: platform serve is handed a ServerStore, not the local store.
  "platform/http": ["platform/local", "platform/serve"],
  "platform/local": ["platform/http", "platform/serve"],
  "platform/serve": ["platform/local"],
  report: ["commands", "cli"],
  commands: ["cli"],
};

/** Edges the rules leave out until a larger move; ARCHITECTURE.md says which move. */
const allowed = {
  // The account model (genders, roles, the fields an update may change) lives in platform/.
  scripts: ["platform/accounts.js"],
};

const folderOf = (path) => (path.endsWith(".ts") ? posix.dirname(path) : path);
const bansOf = (path) =>
  Object.entries(forbidden).flatMap(([folder, targets]) => (`${path}/`.startsWith(`${folder}/`) ? targets : []));
const allowsOf = (path) =>
  Object.entries(allowed).flatMap(([where, targets]) =>
    `${path}/`.startsWith(`${where}/`) || path === where ? targets : [],
  );
const message = (path, target) =>
  `src/${folderOf(path)} may not import src/${target} (ARCHITECTURE.md, "Import rules").`;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("/", "\\u002F");

/**
 * One config per folder of src/ (and per file with an allowance of its own, after its folder's):
 * no-restricted-imports with globs relative to that folder for static imports and `export from`,
 * no-restricted-syntax for import(), which ESLint's rule does not look at. commander is for src/cli.
 */
function importRules(path) {
  const from = `src/${folderOf(path)}`;
  const bans = bansOf(path).map((target) => ({ target, relative: posix.relative(from, `src/${target}`) }));
  const allows = allowsOf(path).map((target) => posix.relative(from, `src/${target}`));
  const group = (relative) => [
    relative.endsWith(".js") ? relative : `${relative}/**`,
    ...allows.filter((a) => a.startsWith(`${relative}/`)).map((a) => `!${a}`),
  ];
  const dynamic = (relative) => {
    const pattern = relative.endsWith(".js") ? `^${escape(relative)}$` : `^${escape(relative)}\\u002F`;
    const except = allows.filter((a) => a.startsWith(`${relative}/`)).map((a) => `:not([source.value="${a}"])`);
    return `ImportExpression[source.value=/${pattern}/]${except.join("")}`;
  };
  return {
    files: [path.endsWith(".ts") ? `src/${path}` : `src/${path}/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "commander", message: "Only src/cli declares the command line." }],
          patterns: bans.map(({ target, relative }) => ({ group: group(relative), message: message(path, target) })),
        },
      ],
      "no-restricted-syntax": [
        "error",
        ...bans.map(({ target, relative }) => ({ selector: dynamic(relative), message: message(path, target) })),
      ],
    },
  };
}

const folders = (dir) =>
  readdirSync(`${import.meta.dirname}/src/${dir}`, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? [`${dir}/${entry.name}`, ...folders(`${dir}/${entry.name}`)] : [],
  );
const layered = Object.keys(forbidden).filter((folder) => !folder.includes("/"));
const importConfigs = [
  ...layered.flatMap((folder) => [folder, ...folders(folder)]),
  ...Object.keys(allowed).filter((where) => where.endsWith(".ts")),
].map(importRules);

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "bench/out/", "demo-out/", "mdimport-out/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "*.mjs", "bench/*.mjs", "tools/*.mjs", "fixtures/*.mjs"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**", "src/**/*.test.ts"],
    rules: {
      "no-console": "error",
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/cli/main.ts ends the process." },
        { object: "process", property: "stdout", message: "Only src/cli prints." },
        { object: "process", property: "stderr", message: "Only src/cli prints." },
      ],
    },
  },
  ...importConfigs,
  {
    // A test that asserts nothing, or one focused test that silently skips the rest, cannot fail.
    files: ["src/**/*.test.ts", "test/**/*.ts"],
    plugins: { vitest },
    rules: {
      "vitest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*", "assert*", "check*"] }],
      "vitest/no-focused-tests": "error",
      "vitest/no-identical-title": "error",
      "vitest/no-disabled-tests": "error",
      "vitest/valid-expect": ["error", { maxArgs: 2 }],
    },
  },
  {
    files: ["**/*.mjs", "**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        fetch: "readonly",
      },
    },
  },
);

// ESLint: typescript-eslint's type-checked rules; core code may not print or import commander.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import vitest from "@vitest/eslint-plugin";

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
      "no-restricted-imports": ["error", { paths: [{ name: "commander", message: "Only src/cli declares the command line." }] }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only src/cli/main.ts ends the process." },
        { object: "process", property: "stdout", message: "Only src/cli prints." },
        { object: "process", property: "stderr", message: "Only src/cli prints." },
      ],
    },
  },
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
      globals: { process: "readonly", console: "readonly", Buffer: "readonly", performance: "readonly", setTimeout: "readonly", fetch: "readonly" },
    },
  },
);

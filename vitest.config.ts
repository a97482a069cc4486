import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // A temporary folder per run, checked to be empty (and no process left) at the end.
    globalSetup: ["test/support/global-setup.ts"],
  },
});

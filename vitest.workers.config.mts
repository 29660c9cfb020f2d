// Tests that run inside workerd (the Workers runtime) against PostgreSQL through a local
// Hyperdrive binding. Started by scripts/test-workers.mjs, which makes and drops the database.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const databaseUrl = process.env.WORKERS_TEST_DATABASE_URL;
if (!databaseUrl) throw new Error("WORKERS_TEST_DATABASE_URL is not set: run `node scripts/test-workers.mjs`");

/** Prisma's Workers client imports its query compiler as `x.wasm?module` (wrangler's syntax); workerd's test runner loads plain `.wasm` imports as compiled modules. */
const wasmModuleImports = {
  name: "wasm-module-imports",
  enforce: "pre" as const,
  async resolveId(this: { resolve(id: string, importer?: string, options?: object): Promise<{ id: string } | null> }, id: string, importer?: string) {
    if (!id.endsWith(".wasm?module")) return null;
    const resolved = await this.resolve(id.slice(0, -"?module".length), importer, { skipSelf: true });
    return resolved?.id ?? null;
  },
};

export default defineConfig({
  plugins: [
    wasmModuleImports,
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        hyperdrives: { HYPERDRIVE: databaseUrl },
        bindings: {
          NODE_ENV: "test",
          LOG_LEVEL: "warn",
          AUTO_DISPATCH: "true",
          BOOTSTRAP_API_KEY: "workers-test-bootstrap-key-0123456789abcdef",
        },
      },
    }),
  ],
  test: {
    include: ["test/workers/**/*.test.ts"],
    globalSetup: ["test/workers/global-setup.ts"],
    // pg (CommonJS) requires pg-protocol, whose "import" build is ESM in .js files; the test
    // runner follows that condition, so point it at the CommonJS build (wrangler's bundler copes).
    alias: {
      "pg-protocol": fileURLToPath(new URL("./node_modules/pg-protocol/dist/index.js", import.meta.url)),
      "pg-cloudflare": fileURLToPath(new URL("./node_modules/pg-cloudflare/dist/index.js", import.meta.url)),
    },
    testTimeout: 60_000,
  },
});

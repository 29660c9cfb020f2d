// `npm start` runs the server from one JavaScript file built here (dist/server/server.mjs), not
// through tsx: transpiling TypeScript at run time costs ~60 MiB of memory and start-up time. The
// packages stay in node_modules (only our code, with the generated Prisma client, is bundled). The
// file sits two folders down, like src/db/…, so paths relative to it (../../prisma/migrations)
// resolve the same. The build takes a fraction of a second. `npm start` also keeps V8's heap small
// (--max-old-space-size=128 --max-semi-space-size=4): a server that streams its big answers needs
// little, and with the defaults V8 let garbage pile up before collecting it (a 1,000,000-row export
// grew the process by ~270 MiB; with these limits by ~45 MiB, and P1/P4 of scripts/bench ran as
// fast). scripts/bench and the process tests start the server with the same command.
import { renameSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
export const SERVER_BUNDLE = path.join(ROOT, "dist", "server", "server.mjs");

/** Bundles src/server.ts into SERVER_BUNDLE. @example await buildServer(); */
export async function buildServer() {
  // Written next to the bundle, then renamed over it: a server starting meanwhile reads the old
  // file or the new one, never half of one.
  const partial = `${SERVER_BUNDLE}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(ROOT, "src", "server.ts")],
    outfile: partial,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  renameSync(partial, SERVER_BUNDLE);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();

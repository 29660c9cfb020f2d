// `npm start` runs the server from one JavaScript file built here (dist/server/server.mjs), not
// through tsx: transpiling TypeScript at run time costs ~60 MiB of memory and start-up time. The
// packages stay in node_modules (only our code, with the generated Prisma client, is bundled). The
// file sits two folders down, like src/db/…, so paths relative to it (../../prisma/migrations)
// resolve the same. The build takes a fraction of a second. `npm start` also keeps V8's heap small
// (--max-old-space-size=128 --max-semi-space-size=8): a server that streams its big answers needs
// little, and with the defaults V8 let garbage pile up before collecting it (a 1,000,000-row export
// grew the process by ~270 MiB; with these limits by ~45 MiB). 8 MB semi-spaces rather than 4
// halve the young-generation collections of a busy server (P1 of scripts/bench: ~9 % less CPU),
// paid for by the query compiler no longer kept in memory twice (below). scripts/bench and the
// process tests start the server with the same command.
import { readFileSync, renameSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
export const SERVER_BUNDLE = path.join(ROOT, "dist", "server", "server.mjs");

/**
 * Prisma's generated client imports its query compiler as a 4.4 MB JavaScript module that holds
 * the WebAssembly as one base64 string. A module's source text stays in memory as long as the
 * process runs (V8 keeps it to compile functions lazily), and so does the module's string: 8.7 MB
 * of the 42 MB heap of an idle server. In the bundle the client reads the same file as text
 * instead, decodes it once and keeps neither. Should a Prisma upgrade generate other code, the
 * bundle keeps Prisma's import (and says so): it works the same, with the larger heap.
 */
const prismaWasmFromFile = {
  name: "prisma-wasm-from-file",
  setup(builder) {
    builder.onLoad({ filter: /generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const load = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_\w+_bg\.postgresql\.wasm-base64\.mjs)"\)\n(\s*)return await decodeBase64AsWasm\(wasm\)/;
      const found = load.exec(source);
      if (!found) {
        console.warn(`build-server: ${args.path} no longer imports the query compiler as expected; the bundle keeps Prisma's import`);
        return { contents: source, loader: "ts" };
      }
      const [, specifier, indent] = found;
      const fromFile = [
        `const { readFile } = await import("node:fs/promises")`,
        `const { createRequire } = await import("node:module")`,
        // The file is \`const wasm = "<base64>";\nexport { wasm }\`: the text between the quotes.
        `const text = await readFile(createRequire(import.meta.url).resolve("${specifier}"), "latin1")`,
        `return await decodeBase64AsWasm(text.slice(text.indexOf('"') + 1, text.lastIndexOf('"')))`,
      ].join(`\n${indent}`);
      return { contents: source.replace(load, () => fromFile), loader: "ts" };
    });
  },
};

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
    plugins: [prismaWasmFromFile],
  });
  renameSync(partial, SERVER_BUNDLE);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildServer();

// `npm run keys -- create|list|revoke`: manage API keys without the HTTP API (e.g. a lost key).
import { parseArgs } from "node:util";
import { createApiKeyService } from "../features/api-keys/api-keys.service";
import { CreateApiKeySchema } from "../features/api-keys/api-keys.schemas";
import { ApiError } from "../lib/api-error";
import { silentLogger } from "../lib/logger";
import { exitWithError, loadConfigOrExit, nodeDeps, openMigratedDatabase } from "../node/runtime";

const USAGE = `Usage:
  npm run keys -- create --role coordinator|requester|finance --name "<who>" [--organisation <id>]
  npm run keys -- list [--all]
  npm run keys -- revoke <key id>`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    role: { type: "string" },
    name: { type: "string" },
    organisation: { type: "string" },
    all: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
const [command, ...rest] = positionals;
if (values.help || !command || !["create", "list", "revoke"].includes(command)) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);
const keys = createApiKeyService(nodeDeps(config, db, silentLogger));

try {
  if (command === "create") {
    const input = CreateApiKeySchema.safeParse({ role: values.role, name: values.name, organisationId: values.organisation });
    if (!input.success) {
      throw new ApiError("VALIDATION_FAILED", input.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
    }
    const created = await keys.create(input.data, null);
    console.log(`Created ${created.role} key ${created.id} (${created.name}). Shown only now:\n\n${created.key}\n`);
  } else if (command === "list") {
    let cursor: string | undefined;
    do {
      const page = await keys.list({ limit: 200, cursor, includeRevoked: values.all });
      for (const key of page.items) {
        const state = key.revokedAt ? `revoked ${key.revokedAt}` : "active";
        console.log([key.id, key.role.padEnd(11), key.prefix + "…", state, key.organisationId ?? "-", key.name].join("  "));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  } else {
    const id = rest[0];
    if (!id) throw new ApiError("VALIDATION_FAILED", "Give the id of the key to revoke (see `npm run keys -- list`).");
    const revoked = await keys.revoke(id);
    console.log(`Revoked key ${revoked.id} (${revoked.name}).`);
  }
  await db.close();
} catch (error) {
  await db.close();
  if (error instanceof ApiError) {
    console.error(error.message);
    process.exit(1);
  }
  exitWithError(error);
}

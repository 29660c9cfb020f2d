// `npm run demo`: fills an EMPTY database (DATA_DIR, or DATABASE_URL) with a demo pool the size of
// Kreis Düren's and prints API keys to try it with. `npm start` itself never invents data.
import { cryptoRandom } from "../lib/random";
import { systemClock } from "../lib/clock";
import { describeDatabase, exitWithError, loadConfigOrExit, openMigratedDatabase } from "../node/runtime";
import { DemoRefused, seedDemo, type DemoSummary } from "./demo/seed";

const config = loadConfigOrExit();
const db = await openMigratedDatabase(config).catch(exitWithError);

let summary: DemoSummary;
try {
  console.log(`Filling ${describeDatabase(config)} with a demo pool …`);
  summary = await seedDemo(db, systemClock.now(), cryptoRandom);
  await db.close();
} catch (error) {
  await db.close().catch(() => {});
  if (error instanceof DemoRefused) {
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  exitWithError(error);
}

const coordinator = summary.keys.find((key) => key.role === "coordinator")!;
const finance = summary.keys.find((key) => key.role === "finance")!;
const requesters = summary.keys.filter((key) => key.role === "requester");
const width = Math.max(...summary.keys.map((key) => key.label.length));

console.log(`
Demo pool created:
  ${summary.interpreters} interpreters in ${summary.languages} languages, ${summary.organisations} organisations
  ${summary.pastBookings} bookings in the last 12 months (${summary.completed} completed), ${summary.futureBookings} in the next 3 weeks
  ${summary.allowances} allowances, ${summary.batches} monthly export batches
  Phone numbers are from the range kept free for films and books; no SMS reaches a real person.

API keys (shown only now):
${summary.keys.map((key) => `  ${key.label.padEnd(width)}  ${key.role.padEnd(11)}  ${key.key}`).join("\n")}

DEMO_COORDINATOR_KEY=${coordinator.key}

Try it:
  npm start
  export API=http://localhost:${config.PORT} KEY=${coordinator.key}
  curl -s "$API/v1/bookings?status=open,offered&from=$(date -u +%Y-%m-%dT00:00:00Z)" -H "Authorization: Bearer $KEY"
  curl -s "$API/v1/interpreters?language=ar&active=true&limit=5" -H "Authorization: Bearer $KEY"
  curl -s "$API/v1/bookings/<booking id>/candidates" -H "Authorization: Bearer $KEY"
  curl -s "$API/v1/allowances/yearly-cap?year=$(date +%Y)" -H "Authorization: Bearer ${finance.key}"
  curl -s -X POST $API/v1/bookings -H "Authorization: Bearer ${requesters[0]!.key}" -H 'Content-Type: application/json' \\
    -d '{"language": "uk", "startsAt": "<ISO time next week>", "durationMinutes": 60, "mode": "phone"}'
`);

import { z } from "@hono/zod-openapi";
import { reportCsv } from "../../domain/report-tables";
import { createRouter } from "../../lib/create-router";
import { defineRoute } from "../../lib/define-route";
import { ReportQuerySchema, ReportSummarySchema } from "./reports.schemas";

const summaryRoute = defineRoute({
  method: "get",
  path: "/v1/reports/summary",
  tags: ["Reports"],
  summary: "Figures of a period for the pool's committee",
  description: [
    "All bookings whose start lies in the period of local dates (Europe/Berlin, both inclusive); months are local months.",
    "A booking the requester cancelled before anyone was assigned counts as withdrawn, not as a request. Every other booking is a request that was assigned (an interpreter was assigned, even if the job was cancelled afterwards), unfilled (nobody was assigned before the start, or the pool office cancelled it unassigned; pool staff record a withdrawal reported by phone with `cancelledBy: \"requester\"`) or pending (still open or offered). The fill rate is assigned ÷ requested.",
    "Cancellations are counted by who cancelled and whether it was late; interpreters giving back an accepted job count under `interpreter`. Time to confirmation runs from the request to the latest assignment. Allowances are those of jobs in the period, by status. Fairness spreads the assignments (assigned or completed) over the interpreters active now.",
    "`format=csv` answers the same tables as one CSV file for German Excel (UTF-8 with BOM, semicolons, decimal comma; a title row, a header row, the rows and an empty row per table).",
  ].join("\n\n"),
  roles: ["coordinator", "finance"],
  request: { query: ReportQuerySchema },
  responses: {
    200: {
      description: "The report",
      content: { "application/json": { schema: ReportSummarySchema }, "text/csv": { schema: z.string() } },
    },
  },
});

export const reportsRouter = createRouter().openapi(summaryRoute, async (c) => {
  const { from, to, format } = c.req.valid("query");
  const summary = await c.get("services").reports.summary(from, to);
  if (format === "json") return c.json(summary, 200);
  return c.body(reportCsv(summary), 200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="bericht-${from}-${to}.csv"`,
  });
});

import type { AppDeps } from "./app-env";
import { createRateLimiter, type RateLimiter } from "./lib/rate-limiter";
import { createAllowanceService, type AllowanceService } from "./features/allowances/allowances.service";
import { createApiKeyService, type ApiKeyService } from "./features/api-keys/api-keys.service";
import { createExportService, type ExportService } from "./features/exports/exports.service";
import { createAvailabilityService, type AvailabilityService } from "./features/availability/availability.service";
import { createBlockService, type BlockService } from "./features/blocks";
import { createBookingSeriesService, type BookingSeriesService } from "./features/booking-series";
import { createBookingActionService, type BookingActionService } from "./features/bookings/booking-actions.service";
import { createBookingService, type BookingService } from "./features/bookings/bookings.service";
import { createCalendarService, type CalendarService } from "./features/calendar/calendar.service";
import { createDispatchService, type DispatchService } from "./features/dispatch/dispatch.service";
import { createOfferService, type OfferService } from "./features/dispatch/offers.service";
import { createInboundService, type InboundService } from "./features/sms/inbound.service";
import { createOutbox, type Outbox } from "./features/sms/outbox";
import { createWebhookDelivery, type WebhookDelivery } from "./features/webhooks/webhooks";
import { createInterpreterImportService, type InterpreterImportService } from "./features/interpreters/interpreter-import.service";
import { createInterpreterService, type InterpreterService } from "./features/interpreters/interpreters.service";
import { createOrganisationService, type OrganisationService } from "./features/organisations/organisations.service";
import { createPostcodeService, type PostcodeService } from "./features/postcodes/postcodes.service";
import { createPrivacyService, type PrivacyService } from "./features/privacy/privacy.service";
import { createDatabaseMaintenance } from "./features/maintenance/database-maintenance";
import { createRetentionService, type RetentionService } from "./features/privacy/retention.service";
import { createReportService, type ReportService } from "./features/reports/reports.service";

/** The app's services, built once from its dependencies and shared by every request. */
export interface Services {
  rateLimiter: RateLimiter;
  apiKeys: ApiKeyService;
  organisations: OrganisationService;
  interpreters: InterpreterService;
  interpreterImport: InterpreterImportService;
  availability: AvailabilityService;
  blocks: BlockService;
  bookings: BookingService;
  bookingActions: BookingActionService;
  bookingSeries: BookingSeriesService;
  dispatch: DispatchService;
  postcodes: PostcodeService;
  offers: OfferService;
  outbox: Outbox;
  webhooks: WebhookDelivery;
  inbound: InboundService;
  allowances: AllowanceService;
  exports: ExportService;
  privacy: PrivacyService;
  retention: RetentionService;
  reports: ReportService;
  calendar: CalendarService;
}

export function createServices(deps: AppDeps): Services {
  const { config } = deps;
  const view = { shareInterpreterPhone: config.SHARE_INTERPRETER_PHONE };
  const postcodes = createPostcodeService(deps.db);
  const matching = { travelBufferMinutes: config.TRAVEL_BUFFER_MINUTES, distances: postcodes.distances };
  const outbox = createOutbox({
    ...deps,
    ratePerSecond: config.SMS_RATE_PER_SECOND,
    statusCallbackUrl: config.PUBLIC_BASE_URL ? new URL("/v1/sms/status", config.PUBLIC_BASE_URL).toString() : null,
  });
  const webhooks = createWebhookDelivery(deps);
  const retention = createRetentionService({ ...deps, retentionMonths: config.RETENTION_MONTHS, readAuditRetentionDays: config.READ_AUDIT_RETENTION_DAYS });
  const offers = createOfferService({ ...deps, ...matching, offerTtlMinutes: config.OFFER_TTL_MINUTES, waveSize: config.OFFER_WAVE_SIZE });
  const bookingActions = createBookingActionService({
    ...deps,
    view,
    travelBufferMinutes: config.TRAVEL_BUFFER_MINUTES,
    lateCancellationHours: config.LATE_CANCELLATION_HOURS,
    distances: postcodes.distances,
    allowanceApproval: config.ALLOWANCE_APPROVAL,
  });
  return {
    rateLimiter: createRateLimiter(config.RATE_LIMIT_PER_MINUTE),
    apiKeys: createApiKeyService({ ...deps, keyCacheMs: config.API_KEY_CACHE_SECONDS * 1000 }),
    organisations: createOrganisationService(deps.db),
    interpreters: createInterpreterService(deps),
    interpreterImport: createInterpreterImportService(deps),
    availability: createAvailabilityService(deps.db),
    blocks: createBlockService(deps.db),
    bookings: createBookingService({ ...deps, view }),
    bookingActions,
    bookingSeries: createBookingSeriesService({ ...deps, view, actions: () => bookingActions }),
    dispatch: createDispatchService({
      ...deps,
      offers,
      outbox,
      webhooks,
      retention,
      maintenance: createDatabaseMaintenance(deps),
      autoDispatch: config.AUTO_DISPATCH,
      reminderHours: config.REMINDER_HOURS,
    }),
    postcodes,
    offers,
    outbox,
    webhooks,
    allowances: createAllowanceService({ ...deps, caps: config.ALLOWANCE_YEARLY_CAPS }),
    exports: createExportService(deps),
    privacy: createPrivacyService(deps),
    retention,
    reports: createReportService(deps),
    calendar: createCalendarService(deps),
    inbound: createInboundService({ ...deps, ...matching, lateCancellationHours: config.LATE_CANCELLATION_HOURS }),
  };
}

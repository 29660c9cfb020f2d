import type { AppDeps } from "./app-env";
import { createApiKeyService, type ApiKeyService } from "./features/api-keys/api-keys.service";
import { createInterpreterImportService, type InterpreterImportService } from "./features/interpreters/interpreter-import.service";
import { createInterpreterService, type InterpreterService } from "./features/interpreters/interpreters.service";
import { createOrganisationService, type OrganisationService } from "./features/organisations/organisations.service";

/** The app's services, built once from its dependencies and shared by every request. */
export interface Services {
  apiKeys: ApiKeyService;
  organisations: OrganisationService;
  interpreters: InterpreterService;
  interpreterImport: InterpreterImportService;
}

export function createServices(deps: AppDeps): Services {
  return {
    apiKeys: createApiKeyService(deps),
    organisations: createOrganisationService(deps.db),
    interpreters: createInterpreterService(deps),
    interpreterImport: createInterpreterImportService(deps),
  };
}

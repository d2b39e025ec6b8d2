// Reads a server's CapabilityStatement into the few facts the pull engine chooses its strategy by
// (DESIGN.md section 4): history, bulk export, $summary/$everything, search parameters and _revinclude.
import { z } from '../zod';
import { InvalidResponseError } from './errors';

/** What one FHIR server offers, as far as pre-caching is concerned. */
export interface ServerCapabilities {
  readonly fhirVersion: string;
  /** `GET [base]/_history` (interaction history-system). */
  readonly historySystem: boolean;
  /** Resource types with `GET [base]/[type]/_history` (interaction history-type). */
  readonly historyType: ReadonlySet<string>;
  readonly bulkExport: { readonly system: boolean; readonly patient: boolean; readonly group: boolean };
  /** `Patient/[id]/$summary` (International Patient Summary). */
  readonly patientSummary: boolean;
  /** `Patient/[id]/$everything`. */
  readonly patientEverything: boolean;
  /** Search parameter names per resource type, including those the server declares for all types. */
  readonly searchParams: ReadonlyMap<string, ReadonlySet<string>>;
  /** `_revinclude` values per resource type (may contain `*`). */
  readonly searchRevInclude: ReadonlyMap<string, ReadonlySet<string>>;
}

// z.object strips unknown keys: only the fields below are copied out of the server's JSON.
const named = z.object({ name: z.string().min(1) });
const interaction = z.object({ code: z.string().min(1) });
const operation = z.object({ name: z.string().min(1), definition: z.string().optional() });
const resource = z.object({
  type: z.string().min(1),
  interaction: z.array(interaction).default([]),
  searchParam: z.array(named).default([]),
  searchRevInclude: z.array(z.string()).default([]),
  operation: z.array(operation).default([]),
});
const rest = z.object({
  mode: z.string(),
  resource: z.array(resource).default([]),
  interaction: z.array(interaction).default([]),
  searchParam: z.array(named).default([]),
  operation: z.array(operation).default([]),
});
const capabilityStatementSchema = z.object({
  resourceType: z.literal('CapabilityStatement'),
  fhirVersion: z.string().min(1),
  rest: z.array(rest).default([]),
});

type Operation = z.infer<typeof operation>;

/**
 * Parses `GET [base]/metadata`. Operations are recognised by name or by their canonical definition, since
 * servers spell the names differently (`export`, `$export`, `patient-export`).
 * @see https://hl7.org/fhir/R4/capabilitystatement.html
 * @see https://hl7.org/fhir/uv/bulkdata/export.html#endpoint---system-level-export
 * @see https://hl7.org/fhir/uv/ips/OperationDefinition-summary.html
 */
export function parseCapabilityStatement(value: unknown, url: string): ServerCapabilities {
  const parsed = capabilityStatementSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    throw new InvalidResponseError(url, `not a usable CapabilityStatement${where}`);
  }
  const server = parsed.data.rest.find((entry) => entry.mode === 'server');
  if (server === undefined)
    throw new InvalidResponseError(url, 'CapabilityStatement has no rest entry for a server');

  const common = server.searchParam.map((parameter) => parameter.name);
  const searchParams = new Map<string, ReadonlySet<string>>();
  const searchRevInclude = new Map<string, ReadonlySet<string>>();
  const historyType = new Set<string>();
  for (const entry of server.resource) {
    searchParams.set(
      entry.type,
      new Set([...common, ...entry.searchParam.map((parameter) => parameter.name)]),
    );
    searchRevInclude.set(entry.type, new Set(entry.searchRevInclude));
    if (entry.interaction.some((item) => item.code === 'history-type')) historyType.add(entry.type);
  }
  const operationsOf = (type: string): readonly Operation[] =>
    server.resource.find((entry) => entry.type === type)?.operation ?? [];
  const patientOperations = operationsOf('Patient');

  return {
    fhirVersion: parsed.data.fhirVersion,
    historySystem: server.interaction.some((item) => item.code === 'history-system'),
    historyType,
    bulkExport: {
      system: server.operation.some((op) =>
        isOperation(op, ['export'], 'bulkdata/OperationDefinition/export'),
      ),
      patient: patientOperations.some((op) =>
        isOperation(op, ['export', 'patient-export'], 'bulkdata/OperationDefinition/patient-export'),
      ),
      group: operationsOf('Group').some((op) =>
        isOperation(op, ['export', 'group-export'], 'bulkdata/OperationDefinition/group-export'),
      ),
    },
    patientSummary: patientOperations.some((op) =>
      isOperation(op, ['summary'], 'OperationDefinition/summary'),
    ),
    patientEverything: patientOperations.some((op) =>
      isOperation(op, ['everything'], 'OperationDefinition/Patient-everything'),
    ),
    searchParams,
    searchRevInclude,
  };
}

/** Matches an operation by its name (with or without `$`) or by the end of its canonical URL (ignoring `|version`). */
function isOperation(op: Operation, names: readonly string[], definitionSuffix: string): boolean {
  if (names.includes(op.name.replace(/^\$/, ''))) return true;
  const definition = op.definition?.split('|')[0];
  return definition?.endsWith(`/${definitionSuffix}`) === true;
}

// Compiles FHIRPath expressions once (R4 model) and evaluates them over a whole resource-type group at a
// time, handing each resource its own results as raw JSON values, narrowed at once by the readers below.
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';

/** A JSON object from a resource, not yet trusted beyond "is an object". */
export type JsonObject = Readonly<Record<string, unknown>>;

/** FHIRPath environment variables (%name). */
export type Environment = Readonly<Record<string, unknown>>;

type Compiled = (input: unknown, environment?: Environment) => unknown;

/** A compiled FHIRPath expression. */
export interface Expression {
  readonly expression: string;
  readonly compiled: Compiled;
}

/**
 * Compiles a FHIRPath expression against the R4 model. Call at module load only.
 * `resolveInternalTypes: false` returns ResourceNodes, unwrapped here to their JSON data: fhirpath's own
 * resolution would define `__path__` on the input's objects (failing on frozen input). Use `combine()`,
 * not `|`, in expressions evaluated over a group: `|` de-duplicates equal values across resources.
 * @see https://hl7.org/fhirpath/N1/
 */
export function compileExpression(expression: string): Expression {
  return { expression, compiled: fhirpath.compile(expression, r4, { resolveInternalTypes: false }) };
}

function resultNodes(raw: unknown): readonly unknown[] {
  return Array.isArray(raw) ? (raw as readonly unknown[]) : [];
}

function unwrap(node: unknown): unknown {
  return fhirpath.util.valData(node) as unknown;
}

/** Evaluates on one input (a resource or an element). */
export function evaluate(expression: Expression, input: unknown, environment?: Environment): unknown[] {
  const out: unknown[] = [];
  for (const node of resultNodes(expression.compiled(input, environment))) {
    const value = unwrap(node);
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The resource a result node was reached from: the top of its parent chain. */
function rootData(node: unknown): unknown {
  let current: unknown = node;
  for (let depth = 0; depth < 64 && isJsonObject(current); depth++) {
    const parent = current.parentResNode;
    if (!isJsonObject(parent)) return current.data;
    current = parent;
  }
  return undefined;
}

/**
 * Evaluates once over a group of resources and returns each resource's results. One call over ten
 * resources costs about a third of ten calls; path expressions only (results must be ResourceNodes).
 * Throws if fhirpath throws on any member (callers then fall back to one resource at a time).
 */
export function evaluateGroup(
  expression: Expression,
  resources: readonly unknown[],
  environment?: Environment,
): Map<unknown, unknown[]> {
  const byResource = new Map<unknown, unknown[]>();
  for (const node of resultNodes(expression.compiled(resources, environment))) {
    const value = unwrap(node);
    if (value === null || value === undefined) continue;
    const root = rootData(node);
    const list = byResource.get(root);
    if (list === undefined) byResource.set(root, [value]);
    else list.push(value);
  }
  return byResource;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every non-empty string value. */
export function strings(values: readonly unknown[]): string[] {
  return values.filter((value): value is string => typeof value === 'string' && value !== '');
}

export function firstString(values: readonly unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

/** Every object value (CodeableConcept, Reference, Attachment, BackboneElement...). */
export function objects(values: readonly unknown[]): JsonObject[] {
  return values.filter(isJsonObject);
}

export function firstObject(values: readonly unknown[]): JsonObject | undefined {
  return values.find(isJsonObject);
}

/** A string property of an object, ignoring anything that is not a non-empty string. */
export function stringField(object: JsonObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number property of an object. */
export function numberField(object: JsonObject | undefined, key: string): number | undefined {
  const value = object?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** An object property of an object. */
export function objectField(object: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = object?.[key];
  return isJsonObject(value) ? value : undefined;
}

/** An array property of an object, keeping only its object members. */
export function objectArrayField(object: JsonObject | undefined, key: string): JsonObject[] {
  const value = object?.[key];
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** A string array property of an object, keeping only non-empty strings. */
export function stringArrayField(object: JsonObject | undefined, key: string): string[] {
  const value = object?.[key];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string' && item !== '');
}

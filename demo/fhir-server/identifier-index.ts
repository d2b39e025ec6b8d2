// Index of business identifiers (type + system + value -> ids), so conditional creates (`If-None-Exist:
// identifier=system|value`, as every encounter-note transaction sends) do not scan every resource of a type.
import type { Resource } from '@medplum/fhirtypes';

interface Token {
  readonly system?: unknown;
  readonly value?: unknown;
}

/** Identifier is 0..* on most resources and 0..1 on a few (Composition, Bundle): both shapes count. */
function identifiersOf(resource: Resource): { system: string; value: string }[] {
  const raw = (resource as { readonly identifier?: unknown }).identifier;
  const list: unknown[] = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.flatMap((item) => {
    const token = item as Token;
    return typeof token.value === 'string'
      ? [{ system: typeof token.system === 'string' ? token.system : '', value: token.value }]
      : [];
  });
}

export class IdentifierIndex {
  private readonly ids = new Map<string, Set<string>>();

  private static key(resourceType: string, system: string, value: string): string {
    return `${resourceType}|${system}|${value}`;
  }

  /** Records a stored version, forgetting the identifiers of the version it replaces. */
  put(resource: Resource & { id: string }, previous: Resource | undefined): void {
    if (previous !== undefined) this.remove(previous as Resource & { id: string });
    for (const { system, value } of identifiersOf(resource)) {
      const key = IdentifierIndex.key(resource.resourceType, system, value);
      let set = this.ids.get(key);
      if (set === undefined) {
        set = new Set();
        this.ids.set(key, set);
      }
      set.add(resource.id);
    }
  }

  remove(resource: Resource & { id: string }): void {
    for (const { system, value } of identifiersOf(resource)) {
      this.ids.get(IdentifierIndex.key(resource.resourceType, system, value))?.delete(resource.id);
    }
  }

  /** Ids of `resourceType` with the token `system|value` (`|value` or `value` alone matches any system). */
  find(resourceType: string, token: string): string[] | undefined {
    const bar = token.indexOf('|');
    if (bar < 0) return undefined; // a value without a system: leave it to the full search
    const system = token.slice(0, bar);
    const value = token.slice(bar + 1);
    if (system === '') return undefined;
    return [...(this.ids.get(IdentifierIndex.key(resourceType, system, value)) ?? [])];
  }
}

// Asks each provisioned ICB's Shared Care Record how many patients it holds, and how many live in the area.
import type { IcbConfig } from '../../sync/provisioning-profile';

export type IcbCount =
  | { readonly kind: 'ok'; readonly total: number; readonly inArea: number }
  | { readonly kind: 'error'; readonly message: string };

async function countPatients(baseUrl: string, query: string, fetchImpl: typeof fetch): Promise<number> {
  const response = await fetchImpl(`${baseUrl}/Patient?${query}_summary=count`, {
    headers: { accept: 'application/fhir+json' },
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const bundle = (await response.json()) as { resourceType?: unknown; total?: unknown };
  if (bundle.resourceType !== 'Bundle' || typeof bundle.total !== 'number') {
    throw new Error('the server did not return a Bundle with a total');
  }
  return bundle.total;
}

export async function fetchIcbCount(
  icb: IcbConfig,
  areaDistricts: readonly string[],
  fetchImpl: typeof fetch = fetch,
): Promise<IcbCount> {
  try {
    const postcodes = areaDistricts.map(encodeURIComponent).join(',');
    const [total, inArea] = await Promise.all([
      countPatients(icb.fhirBaseUrl, '', fetchImpl),
      countPatients(icb.fhirBaseUrl, `address-postalcode=${postcodes}&`, fetchImpl),
    ]);
    return { kind: 'ok', total, inArea };
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
}

// @vitest-environment happy-dom
// Trust IT's provisioning and wipe on the settings screen: problems named by path, apply only a valid
// profile, wipe only after the device id is typed, and main's refusals shown as they come.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IpcResult, ProfileIssue, ProvisioningOutcome } from '../../../main/ipc-contract';
import {
  DeviceManagement,
  type DeviceManagementApi,
} from '../../../renderer/src/components/device-management';

const ok = <T,>(value: T): Promise<IpcResult<T>> => Promise.resolve({ ok: true, value });

function fakeApi(overrides: Partial<DeviceManagementApi> = {}): DeviceManagementApi {
  return {
    validateProfile: vi.fn(() => ok<readonly ProfileIssue[]>([])),
    applyProfile: vi.fn(() =>
      ok<ProvisioningOutcome>({
        kind: 'applied',
        purgedOutsideArea: true,
        profile: {
          area: { name: 'Soar and Wreake' },
          device: { callsign: 'EM-B456' },
        } as unknown as Extract<ProvisioningOutcome, { kind: 'applied' }>['profile'],
      }),
    ),
    deprovision: vi.fn(() => ok({ relaunching: true as const })),
    ...overrides,
  };
}

function chooseProfile(text: string): void {
  const input = screen.getByLabelText('Provision from a profile file');
  fireEvent.change(input, {
    target: { files: [new File([text], 'profile.json', { type: 'application/json' })] },
  });
}

afterEach(() => {
  cleanup();
});

describe('DeviceManagement', () => {
  it('names every problem of an invalid profile by its path and offers no Apply', async () => {
    const api = fakeApi({
      validateProfile: vi.fn(() =>
        ok<readonly ProfileIssue[]>([
          { path: 'icbs[0].fhirBaseUrl', message: 'must be an https URL' },
          { path: 'device.callsign', message: 'must be a callsign such as EM-A123' },
        ]),
      ),
    });
    render(<DeviceManagement api={api} deviceId="em-a123-tablet" />);
    chooseProfile('{"bad": true}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('icbs[0].fhirBaseUrl: must be an https URL');
    expect(alert.textContent).toContain('device.callsign: must be a callsign');
    expect(api.validateProfile).toHaveBeenCalledWith('{"bad": true}');
    expect(screen.queryByRole('button', { name: 'Apply profile' })).toBeNull();
  });

  it('applies a valid profile and says the area changed and out-of-area patients go', async () => {
    const api = fakeApi();
    render(<DeviceManagement api={api} deviceId="em-a123-tablet" />);
    chooseProfile('{"version":1}');
    fireEvent.click(await screen.findByRole('button', { name: 'Apply profile' }));
    await screen.findByText(/Applied: Soar and Wreake, callsign EM-B456\. Patients outside the new area/);
    expect(api.applyProfile).toHaveBeenCalledWith('{"version":1}');
  });

  it("shows main's refusal when the session is not IT", async () => {
    const api = fakeApi({
      validateProfile: vi.fn(() =>
        Promise.resolve<IpcResult<readonly ProfileIssue[]>>({
          ok: false,
          error: { code: 'not-permitted', message: 'This needs an unlocked IT session' },
        }),
      ),
    });
    render(<DeviceManagement api={api} deviceId="em-a123-tablet" />);
    chooseProfile('{}');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Refused (not-permitted): This needs an unlocked IT session',
    );
  });

  it('wipes only once the device id is typed', async () => {
    const api = fakeApi();
    render(<DeviceManagement api={api} deviceId="em-a123-tablet" />);
    const wipe = screen.getByRole('button', { name: 'Wipe device' });
    expect((wipe as HTMLButtonElement).disabled).toBe(true);
    const confirm = screen.getByLabelText(/Wipe this device: type its id/);
    fireEvent.change(confirm, { target: { value: 'em-a123' } });
    expect((wipe as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(confirm, { target: { value: 'em-a123-tablet' } });
    expect((wipe as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(wipe);
    await waitFor(() => {
      expect(api.deprovision).toHaveBeenCalledWith({ deviceId: 'em-a123-tablet' });
    });
    await screen.findByText(/Wiped: the database, keys and caches are deleted/);
  });
});

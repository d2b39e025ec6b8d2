// The command line trust IT and fleet tools use: `kerbside --provision profile.json`, `--deprovision`,
// `--status` (JSON), plus `--kiosk` and `--managed-profile` for normal runs. Parsing and running, no Electron.
import { assertNever, KerbsideError, toIpcError } from './errors';
import type { DeviceStatus } from './ipc-contract';
import type { Provisioning } from './provisioning';

export type CliCommand =
  | { readonly kind: 'run'; readonly kiosk: boolean; readonly managedProfilePath: string | null }
  | { readonly kind: 'provision'; readonly file: string }
  | { readonly kind: 'deprovision' }
  | { readonly kind: 'status' }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage-error'; readonly message: string };

export const ExitCode = {
  ok: 0,
  invalidProfile: 1,
  usage: 2,
  alreadyRunning: 3,
  vaultUnavailable: 4,
  failed: 5,
} as const;

export const usage = `Usage:
  kerbside                          start the app (kiosk: --kiosk or KERBSIDE_KIOSK=1)
  kerbside --provision <file>       validate and apply a provisioning profile; every error names its JSON path
  kerbside --deprovision            wipe the database, keys, caches and every file in the user-data folder
  kerbside --status                 print this device's state as JSON (no secrets)
  kerbside --managed-profile <file> start, applying this machine-wide profile (default: the MDM path)
Exit codes: 0 ok, 1 invalid profile, 2 usage, 3 Kerbside is already running, 4 OS secret store unavailable, 5 failed.`;

const truthy = new Set(['1', 'true', 'on', 'yes']);

/**
 * Parses the arguments after the executable (and after the script path when unpackaged). Unknown `--switches`
 * are left to Chromium and Electron (`--password-store=…`, `--no-sandbox`), so they are ignored here.
 */
export function parseCommandLine(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  const commands: CliCommand[] = [];
  let kiosk = truthy.has((env.KERBSIDE_KIOSK ?? '').toLowerCase());
  let managedProfilePath: string | null = null;
  const valueOf = (index: number, name: string): { value: string | undefined; consumed: number } => {
    const arg = args[index] ?? '';
    if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), consumed: 0 };
    const next = args[index + 1];
    return next === undefined || next.startsWith('--')
      ? { value: undefined, consumed: 0 }
      : { value: next, consumed: 1 };
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    const name = arg.split('=')[0] ?? '';
    switch (name) {
      case '--provision':
      case '--managed-profile': {
        const { value, consumed } = valueOf(index, name);
        index += consumed;
        if (value === undefined || value === '')
          return { kind: 'usage-error', message: `${name} needs the path of a profile JSON file` };
        if (name === '--provision') commands.push({ kind: 'provision', file: value });
        else managedProfilePath = value;
        break;
      }
      case '--deprovision':
        commands.push({ kind: 'deprovision' });
        break;
      case '--status':
        commands.push({ kind: 'status' });
        break;
      case '--help':
      case '-h':
        commands.push({ kind: 'help' });
        break;
      case '--kiosk':
        kiosk = true;
        break;
      default:
        break;
    }
  }
  if (commands.length > 1)
    return { kind: 'usage-error', message: 'give one of --provision, --deprovision, --status at a time' };
  return commands[0] ?? { kind: 'run', kiosk, managedProfilePath };
}

export interface CliDependencies {
  readonly provisioning: Pick<Provisioning, 'apply' | 'deprovision' | 'status'>;
  readonly readFile: (path: string) => Promise<string>;
  readonly app: DeviceStatus['app'];
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs a one-shot command and returns the process exit code. `run` is not one-shot and is refused here. */
export async function runCliCommand(
  command: Exclude<CliCommand, { kind: 'run' }>,
  deps: CliDependencies,
): Promise<number> {
  try {
    switch (command.kind) {
      case 'help':
        deps.out(usage);
        return ExitCode.ok;
      case 'usage-error':
        deps.err(`kerbside: ${command.message}\n${usage}`);
        return ExitCode.usage;
      case 'status':
        deps.out(JSON.stringify(await deps.provisioning.status(deps.app), null, 2));
        return ExitCode.ok;
      case 'deprovision':
        await deps.provisioning.deprovision();
        deps.out('kerbside: deprovisioned; the database, keys, caches and user-data folder are gone.');
        return ExitCode.ok;
      case 'provision':
        return await provision(command.file, deps);
      default:
        return assertNever(command, 'command');
    }
  } catch (error) {
    const { code, message } = toIpcError(error);
    deps.err(`kerbside: ${message}`);
    if (!(error instanceof KerbsideError)) deps.err(String(error));
    return code === 'vault-unavailable' ? ExitCode.vaultUnavailable : ExitCode.failed;
  }
}

async function provision(file: string, deps: CliDependencies): Promise<number> {
  let text: string;
  try {
    text = await deps.readFile(file);
  } catch (error) {
    deps.err(`kerbside: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return ExitCode.usage;
  }
  const outcome = await deps.provisioning.apply(text, { kind: 'cli', path: file });
  switch (outcome.kind) {
    case 'invalid':
      deps.err(`kerbside: ${file} is not a valid provisioning profile (${outcome.issues.length} problems):`);
      for (const issue of outcome.issues) deps.err(`  ${issue.path}: ${issue.message}`);
      return ExitCode.invalidProfile;
    case 'applied': {
      const { profile } = outcome;
      deps.out(
        `kerbside: provisioned ${profile.device.id} as ${profile.device.callsign} (${profile.device.role}) for ` +
          `${profile.trust.name}, area ${profile.area.name} (${profile.area.postcodeDistricts.join(', ')}), ` +
          `ICBs ${profile.icbs.map((icb) => icb.odsCode).join(', ')}` +
          (outcome.purgedOutsideArea ? '; patients outside the new area will be purged' : ''),
      );
      return ExitCode.ok;
    }
    default:
      return assertNever(outcome, 'provisioning outcome');
  }
}

/**
 * `npm run emulator -- [--port N] [--scale SEED:SIZE] [--extra-connections UPN:COUNT[:ENVIRONMENTS]]… [--latency MS] [--faults SPEC]
 * [--cert-dir DIR]`: runs the demo-tenant emulator alone, prints ONE JSON line with its EmulatorInfo on stdout, and
 * serves until SIGINT/SIGTERM.
 */
import { startEmulator, type StartOptions } from '../emulator';

function parseArgs(argv: string[]): StartOptions {
  const options: StartOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port':
        options.port = Number(value());
        break;
      case '--scale': {
        const match = /^(\d+):(\d+)$/.exec(value());
        if (!match) throw new Error('--scale takes SEED:SIZE, e.g. 42:100000');
        options.scale = { seed: Number(match[1]), size: Number(match[2]) };
        break;
      }
      case '--extra-connections': {
        // A demo user with COUNT more connections of their own (a maker with 500 connections on the scale tenant),
        // spread over every environment or over the first ENVIRONMENTS (the named fixture's). Repeatable.
        const match = /^([^:\s]+@[^:\s]+):(\d+)(?::(\d+))?$/.exec(value());
        if (!match)
          throw new Error('--extra-connections takes UPN:COUNT[:ENVIRONMENTS], e.g. lynner@example.com:500:4');
        const extra = {
          upn: match[1],
          count: Number(match[2]),
          ...(match[3] ? { environments: Number(match[3]) } : {}),
        };
        const before = options.extraConnectionsFor ?? [];
        options.extraConnectionsFor = [...(Array.isArray(before) ? before : [before]), extra];
        break;
      }
      case '--latency':
        options.latencyMs = Number(value());
        break;
      case '--faults':
        options.faults = value();
        break;
      case '--cert-dir':
        options.certDir = value();
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)) {
    throw new Error('--port must be 0..65535');
  }
  return options;
}

async function main(): Promise<void> {
  const emulator = await startEmulator(parseArgs(process.argv.slice(2)));
  process.stdout.write(`${JSON.stringify(emulator.info)}\n`);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});

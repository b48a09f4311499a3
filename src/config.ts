/**
 * Every setting comes from environment variables, validated once at start with zod. The README's
 * configuration table documents the same names. With no TENANT_ID the bot runs in demo mode against the
 * built-in demo-tenant emulator; NODE_ENV=production refuses that, anonymous Bot Framework auth, and an
 * empty bot id.
 */
import { z } from 'zod';
import { BotError } from './tenant/errors';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const url = optionalString.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL');
const httpsUrl = optionalString.refine(
  (v) => v === undefined || /^https:\/\/[^/\s]+/i.test(v),
  'must be an https:// URL',
);

/** What `npm run emulator` prints: the subset a bot needs to use a demo tenant running in another process. */
const emulatorInfo = z.object({
  tenantId: z.string(),
  authorityHost: z.string().url(),
  graph: z.string().url(),
  powerPlatform: z.string(),
  powerApps: z.string().url(),
  flow: z.string().url(),
  bap: z.string().url(),
  keyVault: z.string().url(),
  clientId: z.string(),
  clientSecret: z.string(),
  /** Other host names of its Flow / Power Apps APIs (regional next links); older emulators do not say. */
  regionalHosts: z.array(z.string()).optional(),
});

const emulatorInfoJson = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be the JSON line `npm run emulator` prints' });
    return z.NEVER;
  }
  const checked = emulatorInfo.safeParse(parsed);
  if (!checked.success) {
    ctx.addIssue({
      code: 'custom',
      message: `is not the JSON line \`npm run emulator\` prints (${checked.error.issues[0]?.path.join('.')})`,
    });
    return z.NEVER;
  }
  return checked.data;
});

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3978, 1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  // Bot Framework identity (Azure Bot resource)
  BOT_ID: optionalString,
  BOT_PASSWORD: optionalString,
  BOT_TYPE: z.enum(['SingleTenant', 'UserAssignedMSI', 'MultiTenant']).default('SingleTenant'),
  BOT_TENANT_ID: optionalString,

  // Target tenant and the backend identity the clients use
  TENANT_ID: optionalString,
  AUTH_MODE: z.enum(['clientSecret', 'clientCertificate', 'managedIdentity', 'default']).default('clientSecret'),
  CLIENT_ID: optionalString,
  CLIENT_SECRET: optionalString,
  CLIENT_CERTIFICATE_PATH: optionalString,
  MANAGED_IDENTITY_CLIENT_ID: optionalString,

  // Endpoints (public cloud defaults; set for national clouds)
  AUTHORITY_HOST: z.string().url().default('https://login.microsoftonline.com'),
  GRAPH_URL: z.string().url().default('https://graph.microsoft.com/v1.0'),
  POWER_PLATFORM_URL: z.string().url().default('https://api.powerplatform.com'),
  POWER_APPS_URL: z.string().url().default('https://api.powerapps.com'),
  FLOW_URL: z.string().url().default('https://api.flow.microsoft.com'),
  BAP_URL: z.string().url().default('https://api.bap.microsoft.com'),
  KEY_VAULT_URL: url,
  // Token scopes (public cloud defaults; set for national clouds). Graph's defaults to GRAPH_URL's origin.
  GRAPH_SCOPE: optionalString,
  POWER_PLATFORM_SCOPE: z.string().default('https://api.powerplatform.com/.default'),
  POWER_APPS_SCOPE: z.string().default('https://service.powerapps.com/.default'),
  FLOW_SCOPE: z.string().default('https://service.flow.microsoft.com/.default'),
  BAP_SCOPE: z.string().default('https://service.powerapps.com/.default'),

  // People and policy
  ADMINS_GROUP: z.string().default('Power Platform Admins'),
  APPROVERS_GROUP: z.string().default('Connection Ops Approvers'),
  ROTATION_REQUIRES_TWO_APPROVERS: bool,
  // A handover also needs the approval of the leaver's manager (Graph manager), when the directory records one.
  HANDOVER_REQUIRES_MANAGER: bool,
  APPROVAL_EXPIRY_HOURS: int(24, 1),
  SECRET_LIFETIME_DAYS: int(180, 1),
  OLD_SECRET_GRACE_HOURS: z.coerce.number().min(0).default(24),
  // A running request's cards are updated at most once per this many seconds each (a few times a minute).
  PROGRESS_CARD_SECONDS: z.coerce.number().min(0).default(15),

  // Storage
  STORAGE: z.enum(['sqlite', 'azure']).default('sqlite'),
  DATA_DIR: z.string().default('.data'),
  AZURE_STORAGE_CONNECTION_STRING: optionalString,
  AZURE_STORAGE_ACCOUNT_URL: url,

  // Notifications
  SCAN_CRON: z.string().default('0 8 * * *'),
  SCAN_TIMEZONE: z.string().default('UTC'),
  EXPIRY_THRESHOLDS_DAYS: z
    .string()
    .default('30,7,1')
    .transform((v, ctx) => {
      const days = v.split(',').map((d) => Number(d.trim()));
      if (days.some((d) => !Number.isInteger(d) || d < 0)) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of whole days, e.g. 30,7,1' });
      }
      return days.sort((a, b) => b - a);
    }),

  // Optional LLM planner
  // https only: the API key travels in a header, and teams-ai refuses anything else deep inside start-up.
  AZURE_OPENAI_ENDPOINT: httpsUrl,
  AZURE_OPENAI_API_KEY: optionalString,
  AZURE_OPENAI_DEPLOYMENT: optionalString,
  /** The model's share of a turn: past it the request is aborted and the local planner answers. */
  AZURE_OPENAI_TIMEOUT_MS: int(8000, 100),

  // Demo tenant emulator (demo mode only)
  EMULATOR_LATENCY_MS: int(0),
  EMULATOR_FAULTS: optionalString,
  // Several bot processes on one demo tenant: the emulator runs on its own and each bot is given its URLs.
  EMULATOR_INFO: emulatorInfoJson,
});

export type RawConfig = z.infer<typeof schema>;

export interface Config extends RawConfig {
  /** True when no tenant is configured: the bot runs on the built-in demo tenant. */
  demoMode: boolean;
}

export class ConfigError extends BotError {
  constructor(readonly problems: string[]) {
    super('config.invalid', `Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const config: Config = { ...parsed.data, demoMode: parsed.data.TENANT_ID === undefined };
  const problems: string[] = [];

  if (!config.demoMode) {
    if (config.AUTH_MODE === 'clientSecret' && (!config.CLIENT_ID || !config.CLIENT_SECRET)) {
      problems.push('CLIENT_ID and CLIENT_SECRET: required with AUTH_MODE=clientSecret');
    }
    if (config.AUTH_MODE === 'clientCertificate' && (!config.CLIENT_ID || !config.CLIENT_CERTIFICATE_PATH)) {
      problems.push('CLIENT_ID and CLIENT_CERTIFICATE_PATH: required with AUTH_MODE=clientCertificate');
    }
    if (!config.KEY_VAULT_URL)
      problems.push('KEY_VAULT_URL: required when TENANT_ID is set (rotated secrets go there)');
  }
  if (config.EMULATOR_INFO && !config.demoMode) {
    problems.push('EMULATOR_INFO: demo mode only (unset TENANT_ID, or unset EMULATOR_INFO to use the real tenant)');
  }
  problems.push(...llmProblems(config));
  if (config.STORAGE === 'azure' && !config.AZURE_STORAGE_CONNECTION_STRING && !config.AZURE_STORAGE_ACCOUNT_URL) {
    problems.push('AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL: required with STORAGE=azure');
  }
  if (config.NODE_ENV === 'production') {
    if (!config.BOT_ID) problems.push('BOT_ID: production refuses to start without a bot id (anonymous auth)');
    if (config.BOT_TYPE !== 'UserAssignedMSI' && config.BOT_ID && !config.BOT_PASSWORD) {
      problems.push('BOT_PASSWORD: required in production unless BOT_TYPE=UserAssignedMSI');
    }
    if (config.BOT_TYPE === 'MultiTenant')
      problems.push('BOT_TYPE: production refuses MultiTenant; use SingleTenant or UserAssignedMSI');
    if (config.demoMode) problems.push('TENANT_ID: production refuses demo mode; set the tenant to manage');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The LLM planner's settings: all three or none (one missing would quietly run without the model). */
function llmProblems(config: RawConfig): string[] {
  const { AZURE_OPENAI_ENDPOINT: endpoint, AZURE_OPENAI_API_KEY: key, AZURE_OPENAI_DEPLOYMENT: deployment } = config;
  const set = [endpoint, key, deployment].filter((v) => v !== undefined).length;
  const problems: string[] = [];
  if (set > 0 && set < 3) {
    problems.push(
      'AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and AZURE_OPENAI_DEPLOYMENT: set all three for the LLM planner, or none',
    );
  }
  return problems;
}

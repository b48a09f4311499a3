import Ajv from 'ajv';
import { parse as parseEnv } from 'dotenv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config';
import { appSettings, moduleCalls, outputs, params, resources, unbalancedBrackets } from './bicepText';

// No Bicep compiler is installable from npm or Debian here (checked: neither has one), so these tests read the
// templates as text and cross-check them with Teams Toolkit's project files and the bot's configuration schema.
// The Toolkit YAML schemas in ./schemas are copied from @microsoft/teamsfx-core 3.1.3 (MIT; only reformatted by Prettier).

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const infraFiles = [
  'infra/azure.bicep',
  ...fs.readdirSync(path.join(root, 'infra/modules')).map((f) => `infra/modules/${f}`),
];
const main = read('infra/azure.bicep');
const webApp = read('infra/modules/webApp.bicep');
const parameters = JSON.parse(read('infra/azure.parameters.json')) as {
  parameters: Record<string, { value: unknown }>;
};

interface Action {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface ProjectFile {
  version: string;
  provision: Action[];
  deploy: Action[];
  publish?: Action[];
}
const project = parseYaml(read('teamsapp.yml')) as ProjectFile;
const localProject = parseYaml(read('teamsapp.local.yml')) as ProjectFile;

const placeholders = (text: string) => new Set([...text.matchAll(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]));
const withoutYamlComments = (text: string) => text.replace(/^\s*#.*$/gm, '');

function validateAgainstToolkitSchema(file: string, version: string) {
  const schema = JSON.parse(
    fs.readFileSync(path.join(__dirname, 'schemas', `teamsapp.${version}.schema.json`), 'utf8'),
  );
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  const valid = validate(parseYaml(read(file)));
  return { valid, errors: validate.errors ?? [] };
}

/** Env names the actions of a stage write, in order (Toolkit writes arm/deploy outputs under their own names). */
function producedBy(actions: Action[]): Set<string> {
  const names = new Set<string>();
  for (const action of actions) {
    for (const name of Object.values(action.writeToEnvironmentFile ?? {})) names.add(name);
    if (action.uses === 'arm/deploy') for (const name of outputs(main)) names.add(name);
  }
  return names;
}

describe('Teams Toolkit project files', () => {
  it('teamsapp.yml is valid against the Toolkit schema of its version (v1.8, the newest the teamsapp CLI reads)', () => {
    expect(project.version).toBe('v1.8');
    expect(validateAgainstToolkitSchema('teamsapp.yml', 'v1.8').errors).toEqual([]);
  });

  it('teamsapp.local.yml is valid against the Toolkit schema v1.11 (the first that creates a service principal)', () => {
    expect(localProject.version).toBe('v1.11');
    expect(validateAgainstToolkitSchema('teamsapp.local.yml', 'v1.11').errors).toEqual([]);
  });

  it('provisions, deploys and publishes with the actions Teams Toolkit expects, in order', () => {
    expect(project.provision.map((a) => a.uses)).toEqual([
      'teamsApp/create',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    expect(project.deploy.map((a) => a.uses)).toEqual([
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'azureAppService/zipDeploy',
    ]);
    expect(project.deploy.map((a) => a.with?.args)).toEqual([
      expect.stringMatching(/^install\b/),
      'run build',
      undefined,
    ]);
    expect(project.publish?.map((a) => a.uses)).toContain('teamsApp/publishAppPackage');
  });

  it('points at files that exist: templates, parameters, modules, manifest, ignore file, npm scripts', () => {
    const arm = project.provision.find((a) => a.uses === 'arm/deploy');
    const template = (arm?.with?.templates as { path: string; parameters: string }[])[0];
    expect(fs.existsSync(path.join(root, template.path))).toBe(true);
    expect(fs.existsSync(path.join(root, template.parameters))).toBe(true);
    for (const file of infraFiles) {
      for (const call of moduleCalls(read(file))) {
        expect(fs.existsSync(path.resolve(path.dirname(path.join(root, file)), call.path))).toBe(true);
      }
    }
    for (const action of [...project.provision, ...(project.publish ?? []), ...localProject.provision]) {
      const manifestPath = action.with?.manifestPath;
      if (typeof manifestPath === 'string') expect(fs.existsSync(path.join(root, manifestPath))).toBe(true);
    }
    const zipDeploy = project.deploy.find((a) => a.uses === 'azureAppService/zipDeploy');
    expect(fs.existsSync(path.join(root, zipDeploy?.with?.ignoreFile as string))).toBe(true);
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.build).toBeDefined();
    expect(scripts.start).toBeDefined();
  });

  it('every ${{VAR}} of the dev environment is declared in env/.env.dev or produced by an earlier step', () => {
    const declared = parseEnv(read('env/.env.dev'));
    const used = placeholders(withoutYamlComments(read('teamsapp.yml')) + read('infra/azure.parameters.json'));
    const produced = producedBy(project.provision);
    const unresolved = [...used].filter((name) => !(name in declared) && !produced.has(name));
    expect(unresolved).toEqual([]);
    // Toolkit refuses a parameters file with an empty placeholder (APP_NAME_SUFFIX excepted): only the operator's
    // own inputs may be left empty in the committed file, and docs/deployment.md says to fill them.
    const empty = [...placeholders(read('infra/azure.parameters.json'))].filter(
      (name) => name !== 'APP_NAME_SUFFIX' && declared[name] === '',
    );
    expect(empty).toEqual(['MANAGED_TENANT_ID']);
    expect(read('docs/deployment.md')).toContain('MANAGED_TENANT_ID');
  });

  it('every ${{VAR}} of the local environment is declared in env/.env.local or produced by an earlier step', () => {
    const declared = parseEnv(read('env/.env.local'));
    const used = placeholders(withoutYamlComments(read('teamsapp.local.yml')));
    const produced = producedBy(localProject.provision);
    expect([...used].filter((name) => !(name in declared) && !produced.has(name))).toEqual([]);
  });

  it('provision supplies every placeholder of the app manifest', () => {
    const produced = producedBy(project.provision);
    const declared = parseEnv(read('env/.env.dev'));
    const missing = [...placeholders(read('appPackage/manifest.json'))].filter(
      (name) => !produced.has(name) && !(name in declared),
    );
    expect(missing).toEqual([]);
    expect([...produced]).toEqual(expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN']));
  });

  it('the local session writes .localConfigs with config names the bot accepts, and keeps the file out of git and Azure', () => {
    const step = localProject.deploy.find((a) => a.uses === 'file/createOrUpdateEnvironmentFile');
    expect(step?.with?.target).toBe('./.localConfigs');
    const envs = step?.with?.envs as Record<string, string | number>;
    expect(envs).toMatchObject({
      BOT_TYPE: 'SingleTenant',
      BOT_ID: '${{BOT_ID}}',
      BOT_TENANT_ID: '${{BOT_TENANT_ID}}',
    });
    expect(envs.BOT_PASSWORD).toBe('${{SECRET_BOT_PASSWORD}}');
    const sample = Object.fromEntries(
      Object.entries(envs).map(([k, v]) => [
        k,
        String(v).replace(/\$\{\{\w+\}\}/, '1b2c3d4e-0000-4000-8000-000000000001'),
      ]),
    );
    const config = loadConfig(sample);
    for (const name of Object.keys(envs)) expect(config).toHaveProperty(name);
    expect(read('.gitignore').split('\n')).toContain('.localConfigs');
    expect(read('.webappignore').split('\n')).toContain('.localConfigs');
    expect(read('package.json')).toContain('--env-file=.localConfigs');
  });
});

describe('Bicep templates (text-level: no compiler is installable here)', () => {
  it('have balanced brackets and strings, and pinned API versions', () => {
    for (const file of infraFiles) {
      expect({ file, problems: unbalancedBrackets(read(file)) }).toEqual({ file, problems: [] });
      for (const r of resources(read(file)))
        expect(r.type).toMatch(/^[A-Za-z.]+\/[A-Za-z/]+@\d{4}-\d{2}-\d{2}(-preview)?$/);
    }
  });

  it('azure.parameters.json sets only declared params and every param without a default', () => {
    const declared = params(main);
    const given = Object.keys(parameters.parameters);
    expect(given.filter((name) => !declared.some((p) => p.name === name))).toEqual([]);
    const required = declared.filter((p) => !p.hasDefault).map((p) => p.name);
    expect(required.filter((name) => !given.includes(name))).toEqual([]);
    for (const value of Object.values(parameters.parameters)) expect(typeof value.value).toBe('string');
  });

  it('each module call passes exactly the module params: all required ones, no unknown ones', () => {
    for (const file of infraFiles) {
      for (const call of moduleCalls(read(file))) {
        const moduleParams = params(
          fs.readFileSync(path.resolve(path.dirname(path.join(root, file)), call.path), 'utf8'),
        );
        const names = moduleParams.map((p) => p.name);
        expect({ module: call.symbol, unknown: call.params.filter((p) => !names.includes(p)) }).toEqual({
          module: call.symbol,
          unknown: [],
        });
        const missing = moduleParams.filter((p) => !p.hasDefault && !call.params.includes(p.name)).map((p) => p.name);
        expect({ module: call.symbol, missing }).toEqual({ module: call.symbol, missing: [] });
      }
    }
  });

  it('outputs what Teams Toolkit writes back and the bot and the guide need', () => {
    expect(outputs(main)).toEqual(
      expect.arrayContaining([
        'BOT_ID',
        'BOT_TENANT_ID',
        'BOT_DOMAIN',
        'BOT_ENDPOINT',
        'AZURE_APP_SERVICE_RESOURCE_ID',
        'KEY_VAULT_URL',
        'AZURE_STORAGE_ACCOUNT_URL',
        'MANAGED_IDENTITY_CLIENT_ID',
        'MANAGED_IDENTITY_PRINCIPAL_ID',
      ]),
    );
  });

  it('registers the bot as UserAssignedMSI with a Teams channel, and nothing anywhere is multi-tenant', () => {
    const bot = read('infra/modules/botRegistration.bicep');
    expect(bot).toMatch(/msaAppType:\s*'UserAssignedMSI'/);
    expect(bot).toMatch(/msaAppMSIResourceId:\s*identityResourceId/);
    expect(bot).toMatch(/channelName:\s*'MsTeamsChannel'/);
    const everything = [...infraFiles, 'infra/azure.parameters.json', 'teamsapp.yml', 'teamsapp.local.yml'].map(read);
    for (const text of everything) {
      const code = withoutYamlComments(text).replace(/^\s*\/\/.*$/gm, '');
      expect(code).not.toMatch(/MultiTenant|AzureADMultipleOrgs|botAadApp\/create/);
    }
    const aadApp = localProject.provision.find((a) => a.uses === 'aadApp/create');
    expect(aadApp?.with).toMatchObject({ signInAudience: 'AzureADMyOrg', generateServicePrincipal: true });
  });

  it('gives the identity exactly the data-plane roles it needs: Key Vault Secrets Officer, Storage Table/Queue/Blob Data Contributor', () => {
    const roles = {
      'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'infra/modules/keyVault.bicep', // Key Vault Secrets Officer
      '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'infra/modules/storage.bicep', // Storage Table Data Contributor
      '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'infra/modules/storage.bicep', // Storage Queue Data Contributor
      'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'infra/modules/storage.bicep', // Storage Blob Data Contributor
    };
    for (const [roleId, file] of Object.entries(roles)) expect(read(file)).toContain(roleId);
    const allRoleIds = infraFiles.flatMap((f) =>
      [...read(f).matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g)].map((m) => m[1]),
    );
    expect(new Set(allRoleIds)).toEqual(new Set(Object.keys(roles)));
    expect(read('infra/modules/keyVault.bicep')).toMatch(/enableRbacAuthorization:\s*true/);
    expect(read('infra/modules/storage.bicep')).toMatch(/allowSharedKeyAccess:\s*false/);
  });

  it('runs a Linux Node 20 web app with `npm start`, the identity, HTTPS only, always on and /healthz', () => {
    expect(webApp).toMatch(/linuxFxVersion:\s*'NODE\|20-lts'/);
    expect(webApp).toMatch(/appCommandLine:\s*'npm start'/);
    expect(webApp).toMatch(/type:\s*'UserAssigned'/);
    expect(webApp).toMatch(/httpsOnly:\s*true/);
    expect(webApp).toMatch(/alwaysOn:\s*true/);
    expect(webApp).toMatch(/healthCheckPath:\s*'\/healthz'/);
    expect(read('src/server.ts')).toContain('/healthz');
  });
});

describe('App Service app settings', () => {
  const settings = appSettings(webApp);
  const platform =
    /^(WEBSITE_|SCM_)|^APPLICATIONINSIGHTS_CONNECTION_STRING$|^ApplicationInsightsAgent_EXTENSION_VERSION$/;
  const configSettings = settings.filter((s) => !platform.test(s.name));
  // A plausible value for each Bicep expression, so that the deployed settings can go through loadConfig.
  const sampleFor: Record<string, string> = {
    identityClientId: '1b2c3d4e-0000-4000-8000-000000000001',
    identityTenantId: '1b2c3d4e-0000-4000-8000-0000000000aa',
    managedTenantId: '1b2c3d4e-0000-4000-8000-0000000000aa',
    keyVaultUrl: 'https://kvabc.vault.azure.net/',
    storageAccountUrl: 'https://stabc.blob.core.windows.net/',
    adminsGroup: 'Power Platform Admins',
    approversGroup: 'Connection Ops Approvers',
    rotationRequiresTwoApprovers: 'false',
    'string(secretLifetimeDays)': '180',
    scanCron: '0 8 * * *',
    scanTimezone: 'UTC',
  };
  const valueOf = (expression: string) => {
    const literal = /^'([^']*)'$/.exec(expression);
    if (literal) return literal[1];
    if (!(expression in sampleFor)) throw new Error(`no sample value for the Bicep expression ${expression}`);
    return sampleFor[expression];
  };
  const deployedEnv = Object.fromEntries(configSettings.map((s) => [s.name, valueOf(s.value)]));

  it('uses only names src/config.ts reads (besides App Service / Application Insights platform settings)', () => {
    expect(configSettings.length).toBeGreaterThan(10);
    const config = loadConfig(deployedEnv);
    const unknown = configSettings.map((s) => s.name).filter((name) => !(name in config));
    expect(unknown).toEqual([]);
  });

  it('is a production configuration the bot accepts: managed identity, UserAssignedMSI bot, Azure store, a real tenant', () => {
    const config = loadConfig(deployedEnv);
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      BOT_TYPE: 'UserAssignedMSI',
      AUTH_MODE: 'managedIdentity',
      STORAGE: 'azure',
      demoMode: false,
    });
    expect(config.BOT_ID).toBe(config.MANAGED_IDENTITY_CLIENT_ID);
  });

  it('are all documented in the README configuration table', () => {
    const readme = read('README.md');
    const undocumented = configSettings.map((s) => s.name).filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
  });

  it('carry no secret: no secret-valued setting, no keys, no literal credentials in any template', () => {
    const secretNames = ['BOT_PASSWORD', 'CLIENT_SECRET', 'AZURE_STORAGE_CONNECTION_STRING', 'AZURE_OPENAI_API_KEY'];
    expect(settings.map((s) => s.name).filter((n) => secretNames.includes(n))).toEqual([]);
    const texts = [...infraFiles, 'infra/azure.parameters.json', 'teamsapp.yml'].map(read);
    for (const text of texts) {
      expect(text).not.toMatch(/listKeys\(|AccountKey=|SharedAccessSignature|sig=|password\s*[:=]\s*'[^']+'/i);
      expect(text).not.toMatch(/[A-Za-z0-9+/]{40,}={0,2}/); // no key- or token-shaped literal
    }
  });
});

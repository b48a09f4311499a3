/**
 * Raw HTTPS calls to a running emulator for its own tests: tokens for the bot app (client credentials through
 * @azure/identity) or for a demo user (control.userToken), and a request helper that returns status, headers and
 * body whatever the status.
 */
import { ClientSecretCredential } from '@azure/identity';
import axios, { type AxiosRequestConfig } from 'axios';
import type { RunningEmulator } from '../../src/emulator';

export const SCOPES = {
  graph: 'https://graph.microsoft.com/.default',
  powerApps: 'https://service.powerapps.com/.default',
  flow: 'https://service.flow.microsoft.com/.default',
  powerPlatform: 'https://api.powerplatform.com/.default',
  keyVault: 'https://vault.azure.net/.default',
};

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

export class EmulatorHttp {
  private readonly credential: ClientSecretCredential;

  constructor(readonly emulator: RunningEmulator) {
    const info = emulator.info;
    this.credential = new ClientSecretCredential(info.tenantId, info.clientId, info.clientSecret, {
      authorityHost: info.authorityHost,
      disableInstanceDiscovery: true,
    });
  }

  async botToken(scope: string): Promise<string> {
    return (await this.credential.getToken(scope))!.token;
  }

  userToken(upn: string, scope: string): string {
    return this.emulator.control.userToken(upn, scope);
  }

  async call<T = Record<string, unknown>>(
    method: string,
    url: string,
    token: string | undefined,
    body?: unknown,
    config: AxiosRequestConfig = {},
  ): Promise<HttpResult<T>> {
    const response = await axios.request({
      method,
      url,
      data: body,
      validateStatus: () => true,
      ...config,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(config.headers ?? {}) },
    });
    return { status: response.status, headers: response.headers as Record<string, string>, data: response.data as T };
  }
}

/** Drives /api/messages with autocannon (a load generator made for this) and returns throughput and latency. */
import autocannon from 'autocannon';

export interface HttpLoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export async function loadHttp(options: {
  url: string;
  body: object;
  connections: number;
  durationSeconds: number;
}): Promise<HttpLoadResult> {
  const result = await autocannon({
    url: `${options.url}/api/messages`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(options.body),
    connections: options.connections,
    duration: options.durationSeconds,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** A Teams-shaped message activity answered inline (deliveryMode expectReplies: no connector needed). */
export function messageActivity(text: string, userId = '00000000-0000-0000-0000-0000000000021'): object {
  return {
    type: 'message',
    id: 'bench',
    text,
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    from: { id: `29:${userId}`, name: 'Bench User', aadObjectId: userId },
    recipient: { id: '28:connection-ops', name: 'Connection Ops' },
    conversation: {
      id: `personal-${userId}`,
      conversationType: 'personal',
      tenantId: '00000000-0000-0000-0000-0000000000001',
    },
    channelData: { tenant: { id: '00000000-0000-0000-0000-0000000000001' } },
    deliveryMode: 'expectReplies',
  };
}

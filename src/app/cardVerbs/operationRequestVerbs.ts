/**
 * The request buttons an operation kind brings with its module (its `requests`: e.g. a future kind's [Hand over]).
 * They are not listed in the catalogue, so that adding a kind touches only its module; their data is checked here
 * only for shape (a few short scalar fields) and then by the kind's own draft, which treats it as untrusted.
 */
import { z } from 'zod';
import type { BotServices } from '../services';
import type { CardVerb } from './cardVerb';

const MAX_FIELDS = 20;
const scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()]);
const requestData = z.record(z.string().max(64), scalar).refine((data) => Object.keys(data).length <= MAX_FIELDS);

export function operationRequestVerb(verb: string, services: BotServices): CardVerb | undefined {
  if (!services.approvals.requestVerbs().includes(verb)) return undefined;
  return {
    verb,
    check(value) {
      const parsed = requestData.safeParse(value ?? {});
      if (!parsed.success)
        return { ok: false, missing: false, field: String(parsed.error.issues[0]?.path[0] ?? 'data') };
      const data = parsed.data;
      return { ok: true, run: (s, caller) => s.approvals.startRequest(caller, verb, data) };
    },
  };
}

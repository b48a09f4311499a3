/**
 * One card verb: the Action.Execute verb a button carries, the schema of what the button's data and the person's
 * inputs hold, and the handler that answers the click with typed values. Entries are listed in catalogue.ts, and
 * botApplication.ts registers each with teams-ai (app.adaptiveCards.actionExecute).
 */
import { z } from 'zod';
import type { Caller } from '../../access/caller';
import type { ActionResult, BotServices } from '../services';

/**
 * What the turn of a click offers a handler besides the domain: running text as if the person had typed it in this
 * conversation (src/app's message path: understanding, the conversation's last subject, dispatch, and sending the
 * answer as a new message, which starts with what was asked when `sayWhatWasAsked`). Absent where clicks are
 * answered without a conversation (tests that wire one feature by hand).
 */
export interface ClickTurn {
  typed?(text: string, options: { sayWhatWasAsked: boolean }): Promise<void>;
  /** Who clicked, named where others see the answer too (a group chat or channel); absent in a one-on-one chat. */
  askedBy?: string;
}

/** What a click's data turned out to be: a handler ready to run, or what is wrong with it. */
export type CheckedClick =
  | { ok: true; run: (services: BotServices, caller: Caller, turn?: ClickTurn) => Promise<ActionResult> }
  | { ok: false; missing: true; answer: string }
  | { ok: false; missing: false; field: string };

export interface CardVerb {
  readonly verb: string;
  /** Checks the click's data (the button's data and the card's inputs, which Teams sends in one object). */
  check(value: unknown): CheckedClick;
}

interface CardVerbSpec<Data extends z.ZodRawShape, Inputs extends z.ZodRawShape> {
  verb: string;
  /** What our card puts on the button. */
  data: Data;
  /** What the person types or picks on the card (Input.*), merged into the data by Teams. */
  inputs?: Inputs;
  /**
   * The answer when a field the button cannot work without is absent (a card of an older version, or a hand-made
   * click); without it such a click is refused as damaged card data.
   */
  missing?: string;
  handle(
    services: BotServices,
    caller: Caller,
    value: z.output<z.ZodObject<Data & Inputs>>,
    turn: ClickTurn,
  ): Promise<ActionResult>;
}

export function cardVerb<Data extends z.ZodRawShape, Inputs extends z.ZodRawShape = Record<never, never>>(
  spec: CardVerbSpec<Data, Inputs>,
): CardVerb {
  // Unknown keys are dropped: Teams and teams-ai may add their own next to ours.
  const schema = z.object({ ...spec.data, ...spec.inputs } as Data & Inputs);
  return {
    verb: spec.verb,
    check(value) {
      const parsed = schema.safeParse(value ?? {});
      if (parsed.success) {
        const typed = parsed.data;
        return { ok: true, run: (services, caller, turn = {}) => spec.handle(services, caller, typed, turn) };
      }
      const issues = parsed.error.issues;
      const absent = issues.every((i) => i.code === 'invalid_type' && i.received === 'undefined');
      if (absent && spec.missing) return { ok: false, missing: true, answer: spec.missing };
      return { ok: false, missing: false, field: String(issues[0]?.path[0] ?? 'data') };
    },
  };
}

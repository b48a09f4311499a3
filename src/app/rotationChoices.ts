/**
 * "Did you mean" buttons are words the bot reads back as a request. A [Rotate the secret of X] button offered to
 * someone the rotation request would refuse (not an owner of X, not an admin) only leads to a refusal, so it is
 * left off the card; the request still checks again when the words are sent.
 */
import type { Caller } from '../access/caller';
import type { DomainContext } from '../context';
import { mayRequestRotationOfNamed } from '../operations/rotation/rotationRequests';

/** The words choiceFor (src/understanding) gives a rotation of a named app. */
const ROTATION_OF = /^rotate the secret of (.+)$/i;

export async function choicesFor<C extends { text: string }>(
  ctx: DomainContext,
  caller: Caller,
  choices: readonly C[],
): Promise<C[]> {
  const allowed = await Promise.all(
    choices.map(async (c) => {
      const app = ROTATION_OF.exec(c.text.trim())?.[1];
      return !app || mayRequestRotationOfNamed(ctx, caller, app);
    }),
  );
  return choices.filter((_, i) => allowed[i]);
}

/**
 * The demo tenant's people as a chat session (src/app/chatSession) knows them, and what the bot said to them as one
 * searchable string, for tests that drive the bot through chat turns and card clicks.
 */
import type { ChatUser } from '../../src/app/chatSession';
import { USERS, type DemoUser } from '../../src/emulator/fixture';

export const chatUser = (who: DemoUser): ChatUser => ({
  id: USERS[who].id,
  displayName: USERS[who].displayName,
  userPrincipalName: USERS[who].upn,
});

/** Replies, cards or notifications as text, with JSON's escaped quotes undone so a test can match plain sentences. */
export const said = (value: unknown): string => JSON.stringify(value).replace(/\\"/g, '"');

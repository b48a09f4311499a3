/**
 * The baseline of the HTTP turn benchmarks: a bare teams-ai echo bot on the same adapter (TeamsAdapter, anonymous
 * like our dev server) and the same storage settings (teams-ai turn state in a SQLite store), behind restify with
 * the same body parser. Whatever our bot costs beyond this is our own doing.
 */
import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as restify from 'restify';
import { openSqliteStore } from '../../src/store/sqlite/openSqliteStore';
import { TurnStateStorage } from '../../src/app/turnStateStorage';

export async function startEchoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'echo-bench-'));
  const store = openSqliteStore({ file: path.join(dir, 'echo.sqlite') });
  const adapter = new TeamsAdapter({});
  const app = new Application<TurnState>({
    adapter,
    storage: new TurnStateStorage(store.botState),
    startTypingTimer: false,
    longRunningMessages: false,
  });
  app.activity('message', async (context) => {
    await context.sendActivity(`you said: ${context.activity.text}`);
  });
  const server = restify.createServer();
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => app.run(context).then(() => undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

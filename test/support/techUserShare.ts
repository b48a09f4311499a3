/**
 * The set-up step a real tenant's handover needs and the demo tenant leaves to the operator: TechUser_Sharepoint_PRD
 * shares their SharePoint connection in PROD with the bot's service principal (docs/deployment.md asks them to), so
 * the bot may bind Lee Gu's SharePoint reference to it. Done as the technical user would, through the Power Platform
 * API's modifyPermissions, with a token the emulator's control surface issues for that user.
 */
import axios from 'axios';
import type { RunningEmulator } from '../../src/emulator';
import { environmentHost } from '../../src/emulator/connectionModel';
import { APPS, CONNECTIONS, ENVIRONMENTS, USERS } from '../../src/emulator/fixture';

export async function techUserSharesSharePointWithBot(emulator: RunningEmulator): Promise<void> {
  const info = emulator.info;
  const token = emulator.control.userToken(USERS.techUser.upn, 'https://api.powerplatform.com/.default');
  const base = info.powerPlatform.replace('{environmentHost}', environmentHost(ENVIRONMENTS.prod.id));
  const answer = await axios.post(
    `${base}/connectivity/connectors/shared_sharepointonline/connections/${CONNECTIONS.prodTechSharePoint}/modifyPermissions?api-version=1`,
    {
      put: [
        {
          properties: {
            roleName: 'CanView',
            principal: { id: APPS.bot.spId, type: 'ServicePrincipal', tenantId: info.tenantId },
          },
        },
      ],
    },
    { headers: { Authorization: `Bearer ${token}` }, validateStatus: () => true },
  );
  if (answer.status !== 200) {
    throw new Error(`the technical user could not share their SharePoint connection with the bot: ${answer.status}`);
  }
}

/** The entry of a scan worker thread (started by notifications/scan/scanInWorker.ts; see composeScanWorker.ts). */
import { scanWorkerTenant } from './composeScanWorker';
import { answerScanInThisThread } from './notifications/scan/scanWorker';

answerScanInThisThread(scanWorkerTenant);

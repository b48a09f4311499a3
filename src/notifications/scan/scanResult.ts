/** What one scan found and, per recipient, what was (or in a dry run would be) sent. */
import type { Finding } from '../../connections/findings';
import type { AdaptiveCard } from '../../cards/renderCard';

export interface ScanDelivery {
  /** UPN for people, the conversation key for channels. */
  to: string;
  text: string;
  cards: AdaptiveCard[];
}

export interface ScanResult {
  findings: Finding[];
  deliveries: ScanDelivery[];
  /** What could not be checked. */
  partial: string[];
}

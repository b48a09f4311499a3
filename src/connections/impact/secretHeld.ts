/**
 * That a connection of an app holds a given secret, as the bot knows it from its own rotations (the connections
 * API does not return a connection's secret). src/operations/rotation fills it; the impact card shows it.
 */
export interface SecretHeld {
  environmentId: string;
  connectionName: string;
  /** The password credential's key id the connection was switched to. */
  keyId: string;
  /** When it was switched (the rotation's last update), ISO. */
  since: string;
}

/**
 * Who is asking: taken only from the activity as verified by the Bot Framework adapter (from.aadObjectId and the
 * conversation's tenant), never from card data. Every domain entry point receives one.
 */
export interface Caller {
  /** Entra object id of the user. */
  userId: string;
  tenantId: string;
  displayName?: string;
}

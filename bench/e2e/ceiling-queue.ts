/** The ceiling chain's one queue and its job data: ids only, like the product's. */
export const CEILING_QUEUE = 'ceiling-deliver';

export interface CeilingJob {
  clickId: string;
}

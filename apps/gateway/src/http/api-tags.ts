/**
 * Swagger UI groups operations by tag: the admin API is grouped by the task an operator comes for, in
 * the order of a working day (set up, watch, fix, measure, try), then the public routes.
 */
export const API_TAGS = {
  setup: 'Setup',
  live: 'Live',
  failures: 'Failures',
  reports: 'Reports',
  tools: 'Tools',
  tracking: 'Click tracking',
  intake: 'Postback intake',
} as const;

export type ApiTagName = (typeof API_TAGS)[keyof typeof API_TAGS];

/** The tags in the order `/docs` shows them, with what each is for. */
export const TAG_ORDER: ReadonlyArray<{ name: string; description: string }> = [
  {
    name: API_TAGS.setup,
    description:
      'Advertisers (postback tokens and URLs), offers, traffic sources with their forwarding endpoints, ' +
      'and the tracking link of an offer for a source.',
  },
  {
    name: API_TAGS.live,
    description:
      'What is happening: clicks and their traces, received postbacks, conversions; registering ' +
      "externally minted clicks and changing a conversion's status by hand.",
  },
  {
    name: API_TAGS.failures,
    description:
      'Forwards that failed or died (`GET /api/deliveries?state=dead`), their attempt logs, and replays ' +
      'of one delivery, of every delivery matching a filter, or of a stored postback.',
  },
  { name: API_TAGS.reports, description: 'Clicks, conversions, money and delivery success per group.' },
  {
    name: API_TAGS.tools,
    description:
      'Try templates and postback signatures (nothing sent or stored), send one test forward to an endpoint ' +
      '(nothing stored), and backfill past conversions to an endpoint.',
  },
  {
    name: API_TAGS.tracking,
    description: 'Public: the tracking link traffic sources send visitors to (no API key).',
  },
  {
    name: API_TAGS.intake,
    description: 'Public: server-to-server postbacks from advertisers, authenticated by their token.',
  },
  { name: 'ops', description: 'Health checks and metrics, for orchestrators and monitoring.' },
];

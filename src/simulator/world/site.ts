/**
 * Jira content of one simulated site. Placeholder until the data model lands: the model and the
 * data generator define the real shape here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SiteData {}

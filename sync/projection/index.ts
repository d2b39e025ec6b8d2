// The summary projection: FHIR R4 resources (UK Core or international) to the display model the UI shows.
// Pure and platform-neutral (browser and Node); see DESIGN.md section 5.
export { projectDemographicsOnly, projectSummary } from './project-summary';
export { mergeSummaries } from './merge';
export type { Merged, MergedAllergySection, MergedSummary } from './merge';
export { narrativeText } from './narrative';
export { ProjectionError } from './projection-error';
export type * from './summary-model';

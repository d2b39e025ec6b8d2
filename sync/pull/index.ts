// Area pre-cache: the pull protocol and its engine.
export { PullEngine, type PullEngineOptions, type IcbOutcome, type RunOutcome } from './engine';
export { chooseChangeStrategy, chooseChunkStrategy } from './pull-icb';
export { cohortDecision, cohortRule, postcodeDistrict, type CohortRule } from './cohort';
export { validateResource, acceptedResourceTypes } from './validate-resource';
export type { LocalStore, RemoteFhir } from './ports';
export type {
  PullCheckpoint,
  PullEvent,
  PullProgress,
  PullPhase,
  ChunkStrategy,
  ChangeStrategy,
} from './types';
export { summaryOfStored, buildPatientWrite } from './patient-records';
export { fetchPatientByNhsNumber, type FetchedPatient } from './fetch-patient';

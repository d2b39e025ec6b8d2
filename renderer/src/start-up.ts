// Start-up comes first: background work that the first screen does not need waits this long after the app
// is ready, so a crew opening the app to search is not sharing the device's two cores with it. The sync
// workers parse the whole sync engine (about 1.5 MB each, one per ICB) and the summary screen's chunk is
// 1.3 MB; started with the app, they made the slowest cold starts at 100,000 patients (BENCHMARKS.md).
export const START_UP_QUIET_MS = 2_000;

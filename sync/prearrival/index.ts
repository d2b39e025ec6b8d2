// Pre-arrival requests from the control room (DESIGN.md section 7): the Task format and the crew's inbox.
export {
  ACTIVE_STATUSES,
  CALLSIGN_SYSTEM,
  DEFAULT_LIFETIME_MS,
  openRequestsQuery,
  preArrivalTask,
  readPreArrivalTask,
} from './task';
export type { ActiveStatus, NewPreArrival, PreArrivalRequest, Priority, TaskReading } from './task';
export { PreArrivalInbox } from './inbox';
export type { DispatchRemote, InboxIcb, PollResult, PreArrivalInboxOptions, PreArrivalItem } from './inbox';
export { PreArrivalKeyError, PreArrivalStore } from './prearrival-store';
export type { FetchedRecord, FetchedRecords, RequestRow } from './prearrival-store';

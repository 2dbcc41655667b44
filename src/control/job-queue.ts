/**
 * What the /api/models routes need of a training queue: embedded (training-queue.ts, in process, persisted
 * in the records) or shared through Redis (shared-queue.ts, BullMQ).
 */
import type { TrainingJobState } from '../model/records/record.js';

export interface JobQueue {
  /** Throws RECSCORE_TRAINING_QUEUE_FULL (429) when no job can be accepted now. */
  admit(): Promise<void>;
  /** The job bookkeeping a new record starts with. */
  newJob(): TrainingJobState;
  /** Queues the training of a stored `Created` record. */
  enqueue(id: string): Promise<void>;
  /** Drops a waiting job or stops a running one (the record is the caller's to delete). */
  cancel(id: string): Promise<void>;
  /** Recovers lost jobs, then starts taking jobs. */
  start(): Promise<void>;
  close(): Promise<void>;
}

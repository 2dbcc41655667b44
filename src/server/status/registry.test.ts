import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelRecord, RecordsView } from '../../model/records/record.js';
import { trainingStatus } from './registry.js';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW - m * 60_000).toISOString();

function record(id: string, modelStatus: ModelRecord['modelStatus'], message: string, ageMin: number): ModelRecord {
  return {
    id,
    kind: 'sar',
    description: `model ${id}`,
    creationTime: minutesAgo(ageMin),
    modelStatus,
    modelStatusMessage: message,
    parameters: {
      usage: 'usage.csv',
      similarityFunction: 'jaccard',
      supportThreshold: 1,
      cooccurrenceUnit: 'user',
      enableUserAffinity: false,
      enableBackfilling: true,
      allowSeedItemsInRecommendations: false,
      enableUserToItemRecommendations: true,
    },
  };
}

const view = (records: ModelRecord[]): RecordsView => ({
  get: (id) => records.find((r) => r.id === id),
  list: () => records,
  defaultId: () => undefined,
  onChange: () => () => {},
});

describe('trainingStatus', () => {
  it('lists open jobs first with their progress, then recent finished ones; old finished ones drop out', () => {
    const rows = trainingStatus(
      view([
        record('done-old', 'Completed', 'Model training completed', 180),
        record('done', 'Completed', 'Model training completed', 10),
        record('failed', 'Failed', 'every line of the usage log is bad', 5),
        record('running', 'InProgress', 'Training: similarity (items) 42%', 30),
        record('queued', 'Created', 'Queued', 1),
      ]),
      NOW,
    );
    assert.deepEqual(
      rows.map((r) => [r.id, r.status, r.progress]),
      [
        ['queued', 'Created', undefined],
        ['running', 'InProgress', 0.42],
        ['failed', 'Failed', undefined],
        ['done', 'Completed', 1],
      ],
    );
    assert.equal(rows[1]!.message, 'Training: similarity (items) 42%');
  });

  it('keeps at most 50 rows', () => {
    const many = Array.from({ length: 80 }, (_, i) => record(`m${i}`, 'InProgress', `Training: parse ${i}%`, i));
    assert.equal(trainingStatus(view(many), NOW).length, 50);
  });
});

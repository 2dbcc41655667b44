import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isTestClient } from './test-clients.js';

it('isTestClient: one repeated character after removing dashes (SPEC §3.2)', () => {
  for (const id of ['0000000000', '1'.repeat(64), 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', '-a-', 'z'])
    assert.equal(isTestClient(id), true, id);
  for (const id of ['', '---', '01', 'a'.repeat(63) + 'b', 'aaaa-b']) assert.equal(isTestClient(id), false, id);
});

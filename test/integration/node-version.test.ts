import assert from 'node:assert/strict';
import { test } from 'node:test';

test('the suite runs on the pinned Node 24 LTS, not the machine’s own Node', () => {
  assert.equal(process.versions.node.split('.')[0], '24', `running on Node ${process.versions.node}`);
  assert.match(process.execPath, /node_modules/, 'npm scripts should resolve node from the node@24 devDependency');
});

import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * For tests that need a system tool: returns a skip reason naming the tool when it is missing on
 * a developer's machine (node:test prints it in the summary), and throws under CI=true, where
 * .ci/run has installed every such tool and a skip would hide a gap.
 */
export function missingTool(tool: string, installHint: string): string | false {
  if (onPath(tool)) return false;
  const reason = `${tool} not installed (${installHint})`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  return reason;
}

function onPath(tool: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => {
    try {
      accessSync(path.join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

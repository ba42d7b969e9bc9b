// Every command's --help (at every level: `create secret tls`) has one Examples section, as
// kubectl's help pages do. The commands are found by walking the help pages themselves.
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';

async function help(path: string[]): Promise<string> {
  let out = '';
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => true }, readStdin: async () => '', env: { NO_COLOR: '1', MINIK_HOME: '/nonexistent-minik-home' } };
  await run([...path, '--help'], io as never);
  return out;
}

/** The subcommands a help page lists. */
function subcommands(text: string): string[] {
  const at = text.indexOf('\nCommands:\n');
  if (at < 0) return [];
  const names: string[] = [];
  for (const line of text.slice(at + '\nCommands:\n'.length).split('\n')) {
    const m = /^ {2}([a-z][\w-]*)/.exec(line);
    if (!m) {
      if (line.trim() === '' || !line.startsWith('   ')) break;
      continue;
    }
    if (m[1] !== 'help') names.push(m[1]);
  }
  return names;
}

describe('help pages', () => {
  it('every command has exactly one Examples section', async () => {
    const without: string[] = [];
    const twice: string[] = [];
    const queue: string[][] = (subcommands(await help([])).map((c) => [c]));
    let seen = 0;
    while (queue.length > 0) {
      const path = queue.shift()!;
      const text = await help(path);
      seen++;
      const n = text.split('\nExamples:\n').length - 1;
      if (n === 0) without.push(path.join(' '));
      if (n > 1) twice.push(path.join(' '));
      for (const sub of subcommands(text)) queue.push([...path, sub]);
    }
    expect(seen).toBeGreaterThan(60);
    expect({ without, twice }).toEqual({ without: [], twice: [] });
  });
});
